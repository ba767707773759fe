//! How a subcommand fails (an exit status and a message in the reader's language, printed once by
//! `main`), and writing to standard output so that a closed pipe ends the command quietly.

use iotgate_explain::{write_error, Localizer};
use std::io::Write;

/// A failed command.
#[derive(Debug)]
pub struct Failure {
    /// Exit status: 2 for bad input or arguments, 1 when the work itself failed or found
    /// problems it has already reported.
    pub code: u8,
    /// What to tell the user, already localised (None when the output already said it).
    pub message: Option<String>,
}

impl Failure {
    /// Bad arguments or unusable input (status 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: Some(message.into()),
        }
    }
    /// The work failed (status 1).
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: Some(message.into()),
        }
    }
    /// A status without a message: the command's own output explains it.
    pub fn status(code: u8) -> Failure {
        Failure {
            code,
            message: None,
        }
    }
}

/// What a subcommand returns.
pub type Done = Result<(), Failure>;

/// Writes to standard output through `write`, buffered. A closed pipe (`| head`) is not an
/// error; any other write error is.
pub fn print_out(l: &Localizer, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Done {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::failed(write_error(l, "stdout", &e))),
    }
}

/// Writes `text` to standard output (see [`print_out`]), control characters other than line
/// feeds and tabs made visible: the text quotes profiles, banners and declarations.
pub fn print_str(l: &Localizer, text: &str) -> Done {
    let text = iotgate_explain::safe::terminal(text, false);
    print_out(l, |out| out.write_all(text.as_bytes()))
}

/// Writes `value` to standard output as pretty JSON and a newline (see [`print_out`]).
pub fn print_json<T: serde::Serialize + ?Sized>(l: &Localizer, value: &T) -> Done {
    print_out(l, |out| {
        iotgate_explain::model::write_json_pretty(&mut *out, value)?;
        writeln!(out)
    })
}

/// Writes one line to standard error. A standard error that cannot be written (closed, full)
/// loses the line; it never ends the process with a panic, as `eprintln!` would.
pub fn note_line(args: std::fmt::Arguments<'_>) {
    // Messages quote file names and file contents: control characters are made visible.
    let line = args.to_string();
    let line = iotgate_explain::safe::terminal(&line, false);
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(line.as_bytes())
        .and_then(|_| err.write_all(b"\n"));
}

/// Writes to standard error without a newline (progress lines); errors are dropped as in
/// [`note_line`].
pub fn note_part(args: std::fmt::Arguments<'_>) {
    // Progress lines may carry the renderer's own cursor controls (`\r`, `ESC [K`), so they
    // are written as they are: callers pass no outside text here.
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|_| err.flush());
}

/// `eprintln!` that never panics ([`note_line`]).
#[macro_export]
macro_rules! note {
    ($($t:tt)*) => {
        $crate::failure::note_line(format_args!($($t)*))
    };
}

/// `eprint!` that never panics ([`note_part`]).
#[macro_export]
macro_rules! note_part {
    ($($t:tt)*) => {
        $crate::failure::note_part(format_args!($($t)*))
    };
}
