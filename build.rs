//! Rebuild when migrations change, so the embedded sets stay current; and tell the tests which
//! database backend they were built for (`TEST_DATABASE_URL` starting with `postgres`, else SQLite),
//! so a test that cannot run on one backend is reported as ignored there, never as passed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(test_backend, values(\"sqlite\", \"postgres\"))");
    let postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"));
    println!("cargo:rustc-cfg=test_backend=\"{}\"", if postgres { "postgres" } else { "sqlite" });
}
