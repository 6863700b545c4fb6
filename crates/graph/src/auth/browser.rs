//! The browser flow: authorization code with PKCE (S256) and an RFC 8252 loopback redirect.
//!
//! We listen on `127.0.0.1:0` and send `http://localhost:{port}` as the redirect: the host app
//! registrations register (Entra ignores only the port). Browsers resolve `localhost` to the
//! loopback interface themselves, trying `127.0.0.1` when `::1` refuses. Browsers open
//! speculative connections that may never send a request, and ask for `/favicon.ico`; each
//! connection is therefore read on its own task (with a deadline), and only a request for `/`
//! carrying `code`, `error` or `state` ends the wait. That one request gets the result page;
//! anything else gets a 404.

use super::error::{AuthError, EntraError, Flow};
use super::{code_client, AuthConfig, TokenSet};
use oauth2::{AuthorizationCode, CsrfToken, PkceCodeChallenge, RedirectUrl};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// A request head larger than this is not a browser following our redirect.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request head.
const READ_DEADLINE: Duration = Duration::from_secs(10);

/// Signs in through the browser: builds the authorization URL (PKCE S256, random `state`,
/// `prompt=select_account` so an engineer signed in to several tenants picks the right account),
/// hands it to `open_url` (which opens a browser or prints it), waits up to `timeout` for the
/// redirect to the loopback listener, checks `state`, and redeems the code with the verifier.
/// The browser is answered after the redemption, so its page tells the truth.
pub async fn browser(
    config: &AuthConfig,
    open_url: impl FnOnce(&str),
    cancel: &CancellationToken,
    timeout: Duration,
) -> Result<TokenSet, AuthError> {
    let ctx = config.context(Flow::Browser);
    let loopback = |e: std::io::Error| AuthError::Loopback {
        detail: e.to_string(),
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(loopback)?;
    let port = listener.local_addr().map_err(loopback)?.port();
    // A browser may try `::1` for `localhost` first; where the same port is free there too, it
    // gets an answer at once instead of falling back to `127.0.0.1` (best effort: IPv6 may be
    // off, or the port taken).
    let listener_v6 = TcpListener::bind((Ipv6Addr::LOCALHOST, port)).await.ok();
    let redirect = RedirectUrl::new(format!("http://localhost:{port}")).map_err(|e| {
        AuthError::InvalidConfig {
            detail: e.to_string(),
        }
    })?;
    let client = code_client(config)?.set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(config.oauth_scopes())
        .set_pkce_challenge(challenge)
        .add_extra_param("prompt", "select_account")
        .url();
    // The authorize URL carries the PKCE challenge and `state`; only the port is logged.
    tracing::info!(
        port,
        "browser sign-in: waiting for the redirect on the loopback listener"
    );
    open_url(url.as_str());

    let (mut stream, query) = tokio::select! {
        () = cancel.cancelled() => return Err(AuthError::Cancelled),
        () = tokio::time::sleep(timeout) => {
            return Err(AuthError::BrowserTimedOut { seconds: timeout.as_secs().max(1) })
        }
        redirect = wait_for_redirect(listener, listener_v6) => redirect.map_err(loopback)?,
    };

    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let result = if param("state") != Some(state.secret().as_str()) {
        Err(AuthError::StateMismatch)
    } else if let Some(error) = param("error") {
        let entra = EntraError::from_parts(error, param("error_description"));
        Err(AuthError::from_entra(entra, &ctx))
    } else if let Some(code) = param("code") {
        tracing::info!("browser sign-in: redirect received; redeeming the authorization code");
        let exchange = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(verifier)
            .request_async(&config.http);
        tokio::select! {
            () = cancel.cancelled() => Err(AuthError::Cancelled),
            response = exchange => response
                .map(|r| TokenSet::from_response(&r, config, None))
                .map_err(|e| AuthError::from_oauth(e, &ctx, |e| e)),
        }
    } else {
        Err(AuthError::UnexpectedResponse {
            host: ctx.host.clone(),
            detail: "the redirect carried neither a code nor an error".into(),
        })
    };

    let page = match &result {
        Ok(_) => result_page(
            "Signed in",
            "TenantAtlas is signed in. You can close this window.",
        ),
        Err(e) => result_page(
            "Sign-in failed",
            &format!("{e}. You can close this window and return to TenantAtlas."),
        ),
    };
    // The browser seeing the page is a courtesy; the sign-in's result does not depend on it.
    let _ = respond(&mut stream, "200 OK", &page).await;
    result
}

/// Accepts connections (on `127.0.0.1`, and `::1` when given) until one asks for `/` with a
/// query from the sign-in server; returns it with the query's pairs. Dropping the future drops
/// the listeners and aborts the readers.
async fn wait_for_redirect(
    listener: TcpListener,
    listener_v6: Option<TcpListener>,
) -> std::io::Result<(TcpStream, Vec<(String, String)>)> {
    let (tx, mut rx) = mpsc::channel::<(TcpStream, String)>(8);
    let mut readers = JoinSet::new();
    loop {
        tokio::select! {
            accepted = accept_either(&listener, listener_v6.as_ref()) => {
                let (mut stream, _) = accepted?;
                let tx = tx.clone();
                readers.spawn(async move {
                    if let Ok(Some(target)) =
                        tokio::time::timeout(READ_DEADLINE, read_target(&mut stream)).await
                    {
                        let _ = tx.send((stream, target)).await;
                    }
                });
            }
            Some((mut stream, target)) = rx.recv() => {
                match parse_redirect_target(&target) {
                    Some(query) => return Ok((stream, query)),
                    None => {
                        let page = result_page("Not found", "This address only receives the TenantAtlas sign-in.");
                        let _ = respond(&mut stream, "404 Not Found", &page).await;
                    }
                }
            }
            // Reap finished readers so the set does not grow with every favicon request.
            Some(_) = readers.join_next(), if !readers.is_empty() => {}
        }
    }
}

/// The next connection on either listener.
async fn accept_either(
    v4: &TcpListener,
    v6: Option<&TcpListener>,
) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match v6 {
        Some(v6) => tokio::select! {
            accepted = v4.accept() => accepted,
            accepted = v6.accept() => accepted,
        },
        None => v4.accept().await,
    }
}

/// Reads a request head and returns the target of a `GET` (`/?code=…`), or `None` for anything
/// that is not a complete, reasonably sized GET.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(2048);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_REQUEST_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_string())
        }
        _ => None,
    }
}

/// The query pairs of a request for `/` that carries the sign-in's answer.
fn parse_redirect_target(target: &str) -> Option<Vec<(String, String)>> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/" {
        return None;
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    pairs
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "code" | "error" | "state"))
        .then_some(pairs)
}

async fn respond(stream: &mut TcpStream, status: &str, html: &str) -> std::io::Result<()> {
    // `no-referrer` and `no-store` keep the code in the address bar out of caches and referrers.
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        html.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(html.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

fn result_page(title: &str, text: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
<body style=\"font-family:system-ui,sans-serif;max-width:36em;margin:4em auto\"><h1>{title}</h1><p>{text}</p></body></html>",
        title = escape(title),
        text = escape(text)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_redirect_to_the_root_is_taken() {
        let pairs = parse_redirect_target("/?code=abc&state=x%20y&session_state=1").unwrap();
        assert!(pairs.contains(&("state".into(), "x y".into())));
        assert!(parse_redirect_target("/?error=access_denied").is_some());
        assert!(parse_redirect_target("/favicon.ico").is_none());
        assert!(parse_redirect_target("/").is_none());
        assert!(parse_redirect_target("/other?code=abc").is_none());
    }

    #[test]
    fn pages_escape_what_they_show() {
        let page = result_page("t", "<script>&");
        assert!(page.contains("&lt;script&gt;&amp;"));
    }

    #[tokio::test]
    async fn a_request_head_is_read_until_the_blank_line() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET /?code=1 HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap();
            s.write_all(b"\r\n").await.unwrap();
            let mut answer = String::new();
            s.read_to_string(&mut answer).await.unwrap();
            answer
        });
        let (mut stream, _) = listener.accept().await.unwrap();
        assert_eq!(read_target(&mut stream).await.as_deref(), Some("/?code=1"));
        respond(&mut stream, "200 OK", "<p>ok</p>").await.unwrap();
        let answer = client.await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("<p>ok</p>"));
    }
}
