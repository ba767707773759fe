//! Where the time of one `analyze` goes, phase by phase, on one thread: reading and analysing,
//! ending the session, building the report, writing it as JSON, freeing it all.
//! `cargo run --release -p iotgate-pipeline --example phases -- CAPTURE [--detect-off] [--stream]`
//! (`--stream`: read the file with read(2) through a buffer rather than a memory map).

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: phases CAPTURE [--detect-off]");
        std::process::exit(2);
    };
    let detect = !args.iter().any(|a| a == "--detect-off");
    let stream = args.iter().any(|a| a == "--stream");
    let caps = iotgate_pipeline::open_all(&[path.into()]).expect("capture");
    let cfg = if detect {
        iotgate_pipeline::SessionConfig::detecting()
    } else {
        iotgate_pipeline::SessionConfig::default()
    };
    let t = Instant::now();
    let mut session = iotgate_pipeline::Session::new(cfg);
    if stream {
        // The same file read with read(2) into one buffer instead of through the memory map.
        let file = std::fs::File::open(path).expect("capture");
        let mut src = iotgate_sources::StreamReader::new(path.into(), file).expect("capture");
        iotgate_pipeline::run_source(&mut session, &mut src, path, &Default::default(), |_| {});
    } else {
        iotgate_pipeline::run_files(&mut session, &caps, 1, |_| {}).expect("read");
    }
    let t_read = t.elapsed();
    let t = Instant::now();
    let snap = session.finish();
    let t_finish = t.elapsed();
    let t = Instant::now();
    let l = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
    let report = snap.report();
    let t_report = t.elapsed();
    let t = Instant::now();
    let mut sink = std::io::BufWriter::new(std::io::sink());
    serde_json::to_writer_pretty(&mut sink, &report.in_language(&l)).expect("json");
    let t_json = t.elapsed();
    let t = Instant::now();
    drop((report, snap));
    let t_drop = t.elapsed();
    println!(
        "packets+flows {:.3} s, finish {:.3} s, report {:.3} s, json {:.3} s, free {:.3} s",
        t_read.as_secs_f64(),
        t_finish.as_secs_f64(),
        t_report.as_secs_f64(),
        t_json.as_secs_f64(),
        t_drop.as_secs_f64()
    );
}
