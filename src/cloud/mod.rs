//! Google Cloud over its JSON APIs: BigQuery ([`bigquery`]) and Cloud
//! Storage ([`gcs`]), as `export` and `mirror` need them.
//!
//! Why hand-written REST rather than a client crate: the few calls needed
//! (a resumable load upload, a query job, table and dataset DDL, object
//! uploads through the JSON API) are small, and the crates at hand either
//! lack the upload endpoints or speak only the XML API that the GCS emulator
//! lacks. Credentials come from `gcp_auth` (application default credentials,
//! `GOOGLE_APPLICATION_CREDENTIALS`, the metadata server).
//!
//! Emulators: `BIGQUERY_EMULATOR_HOST` and `STORAGE_EMULATOR_HOST`
//! (`host:port` or a URL) point the clients at local servers, which take no
//! credentials. Tokens are sent only in headers and never formatted into an
//! error or a log line.

pub mod bigquery;
pub mod gcs;

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

/// The OAuth scope of every call.
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

/// Errors of the cloud seam. Each names the service and what was asked;
/// none carries a credential.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{service} {what}: HTTP {status}: {message}")]
    Api {
        service: &'static str,
        what: String,
        status: u16,
        message: String,
    },
    #[error("{service} {what}: {message}")]
    Transport {
        service: &'static str,
        what: String,
        message: String,
    },
    #[error("BigQuery job {job} ({what}) failed: {message}")]
    Job {
        job: String,
        what: String,
        message: String,
    },
    #[error("Google credentials: {0} (set GOOGLE_APPLICATION_CREDENTIALS to a service-account file, or run `gcloud auth application-default login`)")]
    Auth(String),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the error is in what the user configured (no credentials, a
    /// malformed project or URL) rather than in the work itself.
    pub fn is_configuration(&self) -> bool {
        matches!(self, Error::Auth(_) | Error::Invalid(_))
    }
}

/// An id for one export or mirror, naming its staging tables and objects:
/// the UTC time and the process id, so concurrent runs never share one.
pub(crate) fn run_id() -> String {
    format!(
        "{}_{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S"),
        std::process::id()
    )
}

/// The base URL of a service: its emulator when `env_var` is set, else
/// `default`.
fn base_url(env_var: &str, default: &str) -> (String, bool) {
    match std::env::var(env_var) {
        Ok(host) if !host.trim().is_empty() => {
            let host = host.trim().trim_end_matches('/');
            let url = if host.contains("://") {
                host.to_string()
            } else {
                format!("http://{host}")
            };
            (url, true)
        }
        _ => (default.to_string(), false),
    }
}

/// An HTTP client that signs its requests (or not, against an emulator).
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    service: &'static str,
    auth: Option<Arc<dyn gcp_auth::TokenProvider>>,
}

impl Http {
    /// A client for `service`; `anonymous` for an emulator.
    pub(crate) async fn new(service: &'static str, anonymous: bool) -> Result<Http> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            // A resumable upload answers 308 "resume incomplete", which is
            // not a redirect to follow.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("backcourt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Transport {
                service,
                what: "building the HTTP client".into(),
                message: e.without_url().to_string(),
            })?;
        let auth = if anonymous {
            None
        } else {
            Some(
                gcp_auth::provider()
                    .await
                    .map_err(|e| Error::Auth(e.to_string()))?,
            )
        };
        Ok(Http {
            client,
            service,
            auth,
        })
    }

    /// A request with the bearer token attached.
    pub(crate) async fn request(
        &self,
        method: reqwest::Method,
        url: &str,
    ) -> Result<reqwest::RequestBuilder> {
        let builder = self.client.request(method, url);
        Ok(match &self.auth {
            None => builder,
            Some(provider) => {
                let token = provider
                    .token(&[SCOPE])
                    .await
                    .map_err(|e| Error::Auth(e.to_string()))?;
                builder.bearer_auth(token.as_str())
            }
        })
    }

    /// Sends `request`; a non-2xx answer becomes [`Error::Api`] with the
    /// service's own message.
    pub(crate) async fn send(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response> {
        let response = request.send().await.map_err(|e| self.transport(what, e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.text().await.unwrap_or_default();
        Err(Error::Api {
            service: self.service,
            what: what.into(),
            status: status.as_u16(),
            message: api_message(&body),
        })
    }

    /// Sends `request` and decodes its JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T> {
        let response = self.send(what, request).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport(what, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Transport {
            service: self.service,
            what: what.into(),
            message: format!("unexpected answer ({e}): {}", snippet(&bytes)),
        })
    }

    fn transport(&self, what: &str, e: reqwest::Error) -> Error {
        Error::Transport {
            service: self.service,
            what: what.into(),
            // Without the URL: query strings could carry upload ids.
            message: e.without_url().to_string(),
        }
    }
}

/// The `error.message` of a Google API error body, else the body's start.
fn api_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| snippet(body.as_bytes()))
}

fn snippet(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A `gs://bucket/prefix` location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GsUrl {
    pub bucket: String,
    /// Without leading or trailing slashes; may be empty.
    pub prefix: String,
}

impl std::str::FromStr for GsUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<GsUrl> {
        let rest = s
            .strip_prefix("gs://")
            .ok_or_else(|| Error::Invalid(format!("`{s}` is not a gs://bucket/prefix URL")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(Error::Invalid(format!("`{s}` names no bucket")));
        }
        Ok(GsUrl {
            bucket: bucket.into(),
            prefix: prefix.trim_matches('/').into(),
        })
    }
}

impl GsUrl {
    /// The object name of `name` below the prefix.
    pub fn object(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.into()
        } else {
            format!("{}/{name}", self.prefix)
        }
    }

    /// The `gs://` URI of an object.
    pub fn uri(&self, object: &str) -> String {
        format!("gs://{}/{object}", self.bucket)
    }
}

impl std::fmt::Display for GsUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "gs://{}/{}", self.bucket, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs_urls_parse_bucket_and_prefix() {
        let url: GsUrl = "gs://b/some/prefix/".parse().unwrap();
        assert_eq!(url.bucket, "b");
        assert_eq!(url.object("x.parquet"), "some/prefix/x.parquet");
        assert_eq!(url.uri("o"), "gs://b/o");
        let bare: GsUrl = "gs://b".parse().unwrap();
        assert_eq!(bare.object("x"), "x");
        assert!("s3://b/p".parse::<GsUrl>().is_err());
        assert!("gs:///p".parse::<GsUrl>().is_err());
    }

    #[test]
    fn api_errors_keep_the_service_message() {
        let body = r#"{"error":{"code":400,"message":"Provided Schema does not match Table"}}"#;
        assert_eq!(api_message(body), "Provided Schema does not match Table");
        assert_eq!(api_message("plain text"), "plain text");
    }
}
