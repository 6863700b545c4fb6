//! The HTTPS client every Graph and sign-in request goes through.

use super::GraphError;
use std::time::Duration;
use url::Url;

/// Connecting (TCP + TLS) longer than this means the host is unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// One request, body included. Graph answers list pages in well under this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// An HTTPS client that trusts the operating system's roots plus, when given, the CA certificate(s)
/// in `extra_ca_pem` (a tenant's `--ca-cert`: an inspecting proxy, a private cloud, the simulator).
///
/// Verification is never switched off, plain `http://` is refused (tokens must not travel in
/// clear text) and redirects are not followed (Graph's JSON API does not redirect, and a redirect
/// must not carry a bearer token elsewhere).
pub fn http_client(extra_ca_pem: Option<&str>) -> Result<reqwest::Client, GraphError> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_native_certs(true)
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("TenantAtlas/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = extra_ca_pem {
        let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| GraphError::InvalidCaCert(e.to_string()))?;
        if certificates.is_empty() {
            return Err(GraphError::InvalidCaCert(
                "no certificate found in the file".into(),
            ));
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| {
        // A bad certificate only shows when the TLS configuration is built.
        if extra_ca_pem.is_some() {
            GraphError::InvalidCaCert(error_chain(&e))
        } else {
            GraphError::Setup(error_chain(&e))
        }
    })
}

/// An error and its sources on one line, for messages that must say what really went wrong
/// (reqwest's own `Display` says only "error sending request").
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// `host[:port]` of a URL, for log lines.
pub(crate) fn logged_host(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => String::new(),
    }
}

/// The names of a URL's query parameters (`$filter,$top`), for log lines: never their values,
/// since a `$filter` can name a customer's users or policies and a `$skiptoken` is opaque state.
/// `-` when there is no query.
pub(crate) fn logged_query(url: &Url) -> String {
    let names: Vec<String> = url
        .query_pairs()
        .map(|(name, _)| name.into_owned())
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(",")
    }
}

/// A path with any query cut off, for log lines about `$batch` sub-requests (whose URLs are
/// relative and carry their own query).
pub(crate) fn logged_path(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_get_no_query_values() {
        let url = Url::parse(
            "https://127.0.0.1:4443/beta/users?$filter=displayName%20eq%20%27Alice%27&$top=5",
        )
        .unwrap();
        assert_eq!(logged_host(&url), "127.0.0.1:4443");
        assert_eq!(logged_query(&url), "$filter,$top");
        let plain = Url::parse("https://graph.microsoft.com/v1.0/organization").unwrap();
        assert_eq!(logged_host(&plain), "graph.microsoft.com");
        assert_eq!(logged_query(&plain), "-");
        assert_eq!(
            logged_path("/deviceManagement/x?$expand=assignments"),
            "/deviceManagement/x"
        );
    }

    #[test]
    fn builds_without_an_extra_ca() {
        http_client(None).expect("client builds with the system roots");
    }

    #[test]
    fn refuses_a_file_that_is_not_a_certificate() {
        let e = http_client(Some("hello")).unwrap_err();
        assert!(matches!(e, GraphError::InvalidCaCert(_)), "{e:?}");
        assert!(e.to_string().contains("--ca-cert"));
        let garbled = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            http_client(Some(garbled)),
            Err(GraphError::InvalidCaCert(_))
        ));
    }
}
