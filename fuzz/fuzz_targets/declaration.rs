//! Fuzz target: manufacturer declarations, arbitrary text, must parse or fail with an error that
//! names the file — never panic — and whatever parses must assess without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match iotgate_label::Declaration::parse("fuzz.toml", &text) {
        Ok(d) => {
            let l = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
            let today = iotgate_label::Date::from_unix(1_795_305_600);
            let _ = iotgate_label::evidence::declared(&l, Some(&d), today);
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.toml: ")),
    }
    let _ = iotgate_label::Date::parse(&text);
});
