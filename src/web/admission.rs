//! Who gets in, and how fast they must send: `/healthz` always (it is never queued behind other
//! work); everyone else within a limit of requests in flight per client and overall; and a
//! request body must keep arriving at a minimum rate, so that slow clients cannot hold the
//! service's slots open.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

use super::AppState;

/// Requests handled at once; more wait their turn (the page cache answers in microseconds).
pub const MAX_IN_FLIGHT: usize = 512;
/// Requests one client may have in flight at once; more are refused at once with 429.
pub const PER_CLIENT: usize = 32;
/// A body may take this long to start…
pub const BODY_GRACE: Duration = Duration::from_secs(5);
/// …and must then arrive at least this fast (bytes a second, on average since the start).
pub const MIN_BODY_RATE: u64 = 16 * 1024;

/// The limits in force, shared by every request of the service.
#[derive(Debug)]
pub struct Admission {
    global: Semaphore,
    per_client: usize,
    clients: Mutex<HashMap<Option<IpAddr>, usize>>,
}

impl Default for Admission {
    fn default() -> Self {
        Admission::new(MAX_IN_FLIGHT, PER_CLIENT)
    }
}

impl Admission {
    pub fn new(global: usize, per_client: usize) -> Admission {
        Admission {
            global: Semaphore::new(global),
            per_client,
            clients: Mutex::default(),
        }
    }

    fn clients(&self) -> std::sync::MutexGuard<'_, HashMap<Option<IpAddr>, usize>> {
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A place for one more request of `client`, or `None` when it has its fill.
    fn admit(self: &Arc<Self>, client: Option<IpAddr>) -> Option<Place> {
        let mut clients = self.clients();
        let n = clients.entry(client).or_insert(0);
        if *n >= self.per_client {
            return None;
        }
        *n += 1;
        Some(Place {
            admission: Arc::clone(self),
            client,
        })
    }

    /// Requests in flight from `client`.
    pub fn in_flight(&self, client: Option<IpAddr>) -> usize {
        self.clients().get(&client).copied().unwrap_or(0)
    }
}

/// A request's place among its client's; given back when the request is answered.
struct Place {
    admission: Arc<Admission>,
    client: Option<IpAddr>,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut clients = self.admission.clients();
        if let Some(n) = clients.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                clients.remove(&self.client);
            }
        }
    }
}

pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let client = super::client::of(&request, &state.site.trusted_proxies);
    let Some(_place) = state.admission.admit(client) else {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests from your address at once: try again in a few seconds.\n",
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return response;
    };
    let Ok(_permit) = state.admission.global.acquire().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let (parts, body) = request.into_parts();
    let body = Body::new(Paced::new(body, BODY_GRACE, MIN_BODY_RATE));
    next.run(Request::from_parts(parts, body)).await
}

/// A request body that fails when it falls behind a minimum rate: after `grace`, the n-th byte
/// must have arrived by `grace + n / rate` seconds from the start.
pub struct Paced {
    inner: Body,
    start: Instant,
    grace: Duration,
    rate: u64,
    received: u64,
    deadline: Pin<Box<Sleep>>,
}

impl Paced {
    pub fn new(inner: Body, grace: Duration, rate: u64) -> Paced {
        let start = Instant::now();
        Paced {
            inner,
            start,
            grace,
            rate,
            received: 0,
            deadline: Box::pin(tokio::time::sleep_until(start + grace)),
        }
    }

    fn next_deadline(&self) -> Instant {
        self.start + self.grace + Duration::from_secs_f64(self.received as f64 / self.rate as f64)
    }
}

/// The error of a body that came too slowly.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived more slowly than {0} bytes a second")]
pub struct TooSlow(u64);

impl HttpBody for Paced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let next = this.next_deadline();
                    this.deadline.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(TooSlow(this.rate))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[test]
    fn each_client_has_its_share_and_gets_it_back() {
        let admission = Arc::new(Admission::new(10, 2));
        let a: Option<IpAddr> = Some("192.0.2.1".parse().unwrap());
        let b: Option<IpAddr> = Some("192.0.2.2".parse().unwrap());
        let first = admission.admit(a);
        let second = admission.admit(a);
        assert!(first.is_some() && second.is_some());
        assert!(admission.admit(a).is_none(), "a third at once is refused");
        assert!(admission.admit(b).is_some(), "another client is not");
        drop(first);
        assert_eq!(admission.in_flight(a), 1);
        assert!(admission.admit(a).is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_stalls_fails_and_one_that_keeps_up_does_not() {
        let (mut tx, rx) = futures_channel();
        let body = Paced::new(Body::from_stream(rx), Duration::from_secs(5), 1024);
        let reader = tokio::spawn(async move { body.collect().await.map(|b| b.to_bytes().len()) });
        tx.send(vec![0u8; 10]).await;
        tokio::time::sleep(Duration::from_secs(6)).await;
        let err = reader.await.unwrap().unwrap_err();
        assert!(err.to_string().contains("more slowly"), "{err}");

        let (mut tx, rx) = futures_channel();
        let body = Paced::new(Body::from_stream(rx), Duration::from_secs(5), 1024);
        let reader = tokio::spawn(async move { body.collect().await.map(|b| b.to_bytes().len()) });
        for _ in 0..10 {
            tx.send(vec![0u8; 2048]).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        drop(tx);
        assert_eq!(reader.await.unwrap().unwrap(), 20 * 1024);
    }

    /// A body fed by hand.
    struct Feed(tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>);

    impl Feed {
        async fn send(&mut self, bytes: Vec<u8>) {
            let _ = self.0.send(Ok(bytes)).await;
        }
    }

    fn futures_channel() -> (
        Feed,
        impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static,
    ) {
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        (Feed(tx), stream)
    }
}
