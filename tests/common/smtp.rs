//! A small SMTP server for the tests: it accepts every message on a loopback port and keeps it
//! (parsed by `mail-parser`), so a test reads what the service sent as a mail system would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as received: the envelope and the parsed parts.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

/// The running server.
pub(crate) struct Smtp {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Smtp {
    /// Listens on a free loopback port.
    pub(crate) async fn start() -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Smtp::on(listener)
    }

    /// Listens on a port chosen before (one that was refusing connections).
    pub(crate) async fn start_at(addr: SocketAddr) -> Smtp {
        Smtp::on(TcpListener::bind(addr).await.expect("bind"))
    }

    fn on(listener: TcpListener) -> Smtp {
        let addr = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, Arc::clone(&kept)));
            }
        });
        Smtp { addr, received }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

/// A free loopback port with nothing listening on it (an SMTP server that is down).
pub(crate) async fn down() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address")
}

async fn session(stream: TcpStream, received: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut to = Vec::new();
    if write.write_all(b"220 test ESMTP\r\n").await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250-test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("MAIL FROM") || command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            to.push(address);
            b"250 OK\r\n"
        } else if command == "DATA" {
            if write.write_all(b"354 go on\r\n").await.is_err() {
                return;
            }
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if lines.read_until(b'\n', &mut l).await.unwrap_or(0) == 0 {
                    return;
                }
                if l == b".\r\n" {
                    break;
                }
                // Dot-stuffing undone.
                data.extend_from_slice(l.strip_prefix(b".").unwrap_or(&l));
            }
            let parsed = mail_parser::MessageParser::default()
                .parse(&data)
                .expect("a message");
            received.lock().expect("lock").push(Received {
                to: std::mem::take(&mut to),
                subject: parsed.subject().unwrap_or_default().to_string(),
                message_id: parsed.message_id().unwrap_or_default().to_string(),
                text: parsed.body_text(0).unwrap_or_default().to_string(),
                html: parsed.body_html(0).unwrap_or_default().to_string(),
            });
            b"250 queued\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
