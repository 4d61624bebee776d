//! Cloud Storage through its JSON API: the staging files of `export
//! --staging` and the Parquet files a `mirror` extract leaves behind.
//!
//! The lake itself reaches GCS through object_store; these calls exist
//! because object_store uploads through the XML API, which the GCS emulator
//! does not implement, and staging is simple enough to do in four calls that
//! work against both.

use reqwest::Method;
use serde_json::Value;

use super::bigquery::urlencode;
use super::{base_url, Error, Http, Result};

const DEFAULT_BASE: &str = "https://storage.googleapis.com";

/// A Cloud Storage client.
pub struct Gcs {
    http: Http,
    base: String,
}

impl Gcs {
    /// A client of Cloud Storage, at `STORAGE_EMULATOR_HOST` when set.
    pub async fn connect() -> Result<Gcs> {
        let (base, emulated) = base_url("STORAGE_EMULATOR_HOST", DEFAULT_BASE);
        Ok(Gcs {
            http: Http::new("Cloud Storage", emulated).await?,
            base,
        })
    }

    /// The JSON API's address of one object.
    fn object_url(&self, bucket: &str, name: &str) -> String {
        format!(
            "{}/storage/v1/b/{}/o/{}",
            self.base,
            urlencode(bucket),
            urlencode(name)
        )
    }

    /// Uploads one object in a single request.
    pub async fn upload(&self, bucket: &str, name: &str, bytes: Vec<u8>) -> Result<()> {
        let url = format!(
            "{}/upload/storage/v1/b/{}/o?uploadType=media&name={}",
            self.base,
            urlencode(bucket),
            urlencode(name)
        );
        let req = self
            .http
            .request(Method::POST, &url)
            .await?
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        self.http
            .send(&format!("uploading gs://{bucket}/{name}"), req)
            .await
            .map(|_| ())
    }

    /// The names of the objects under `prefix`, sorted.
    pub async fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<String>> {
        let mut names = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut url = format!(
                "{}/storage/v1/b/{}/o?prefix={}",
                self.base,
                urlencode(bucket),
                urlencode(prefix)
            );
            if let Some(token) = &page_token {
                url.push_str(&format!("&pageToken={}", urlencode(token)));
            }
            let req = self.http.request(Method::GET, &url).await?;
            let page: Value = self
                .http
                .json(&format!("listing gs://{bucket}/{prefix}"), req)
                .await?;
            names.extend(
                page["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o["name"].as_str().map(str::to_string)),
            );
            page_token = page["nextPageToken"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if page_token.is_none() {
                break;
            }
        }
        names.sort();
        Ok(names)
    }

    /// Downloads one object.
    pub async fn download(&self, bucket: &str, name: &str) -> Result<bytes::Bytes> {
        let url = format!("{}?alt=media", self.object_url(bucket, name));
        let req = self.http.request(Method::GET, &url).await?;
        let what = format!("downloading gs://{bucket}/{name}");
        let response = self.http.send(&what, req).await?;
        response.bytes().await.map_err(|e| Error::Transport {
            service: "Cloud Storage",
            what,
            message: e.without_url().to_string(),
        })
    }

    /// Deletes one object; a missing one is not an error.
    pub async fn delete(&self, bucket: &str, name: &str) -> Result<()> {
        let url = self.object_url(bucket, name);
        let req = self.http.request(Method::DELETE, &url).await?;
        match self
            .http
            .send(&format!("deleting gs://{bucket}/{name}"), req)
            .await
        {
            Ok(_) | Err(Error::Api { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
