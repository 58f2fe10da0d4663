//! Rebuild when migrations change, so the embedded sets stay current.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
