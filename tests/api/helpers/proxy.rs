//! A TCP proxy in front of PostgreSQL that a test can cut, stall and restore, to simulate an
//! outage without stopping the shared server.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const FORWARD: u8 = 0;
const REFUSE: u8 = 1;
const STALL: u8 = 2;

type Tasks = Arc<Mutex<Vec<JoinHandle<()>>>>;

/// A running proxy on a fixed local port.
pub struct Proxy {
    /// Local port the proxy listens on.
    pub port: u16,
    mode: Arc<AtomicU8>,
    tasks: Tasks,
    acceptor: JoinHandle<()>,
}

impl Proxy {
    /// Starts forwarding a local port to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (mode, tasks): (Arc<AtomicU8>, Tasks) = Default::default();
        let (registry, current) = (tasks.clone(), mode.clone());
        let acceptor = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (upstream, mode) = (upstream.clone(), current.load(Ordering::SeqCst));
                let task = tokio::spawn(async move {
                    match mode {
                        FORWARD => {
                            if let Ok(mut server) = TcpStream::connect(&upstream).await {
                                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                        }
                        // A server that accepts and then never says a word.
                        STALL => std::future::pending::<()>().await,
                        _ => drop(client),
                    }
                });
                registry.lock().unwrap().push(task);
            }
        });
        Self { port, mode, tasks, acceptor }
    }

    /// Closes every proxied connection and closes each new one at once (the server is down).
    pub fn cut(&self) {
        self.switch(REFUSE);
    }

    /// Closes every proxied connection and leaves each new one unanswered (the host is silent).
    pub fn stall(&self) {
        self.switch(STALL);
    }

    /// Forwards new connections again (the server is back).
    pub fn restore(&self) {
        self.switch(FORWARD);
    }

    fn switch(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.acceptor.abort();
        self.switch(REFUSE);
    }
}
