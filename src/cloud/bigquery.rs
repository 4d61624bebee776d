//! The BigQuery v2 REST calls backcourt makes: datasets and tables from the
//! registry, load jobs (a resumable upload or `gs://` URIs), query jobs and
//! their results.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::{base_url, Error, Http, Result};
use crate::registry::{ColumnType, TableDef};

const DEFAULT_BASE: &str = "https://bigquery.googleapis.com";

/// Upload chunk size of a resumable load: a multiple of 256 KiB, as the
/// protocol requires.
const CHUNK: usize = 32 * 1024 * 1024;

/// The chunk size: [`CHUNK`], or `BACKCOURT_UPLOAD_CHUNK_BYTES` (the tests
/// set a small one so that multi-chunk uploads run against the emulator;
/// BigQuery itself accepts only multiples of 256 KiB).
fn chunk_size() -> usize {
    std::env::var("BACKCOURT_UPLOAD_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(CHUNK)
}

/// A table's full name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    pub project: String,
    pub dataset: String,
    pub table: String,
}

impl TableRef {
    pub fn new(project: &str, dataset: &str, table: &str) -> TableRef {
        TableRef {
            project: project.into(),
            dataset: dataset.into(),
            table: table.into(),
        }
    }

    /// `` `project.dataset.table` `` for SQL.
    pub fn sql(&self) -> String {
        format!("`{}.{}.{}`", self.project, self.dataset, self.table)
    }

    fn json(&self) -> Value {
        json!({"projectId": self.project, "datasetId": self.dataset, "tableId": self.table})
    }
}

impl std::fmt::Display for TableRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.project, self.dataset, self.table)
    }
}

/// A finished job: its id and statistics as BigQuery reports them.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub location: Option<String>,
    pub resource: Value,
}

/// The rows of a query, as strings (BigQuery's JSON cells); `None` is NULL.
#[derive(Debug, Clone, Default)]
pub struct QueryRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// A BigQuery client for one project.
pub struct BigQuery {
    http: Http,
    base: String,
    project: String,
}

impl BigQuery {
    /// A client of `project`, at `BIGQUERY_EMULATOR_HOST` when set.
    pub async fn connect(project: &str) -> Result<BigQuery> {
        if project.is_empty() {
            return Err(Error::Invalid("a BigQuery project id is required".into()));
        }
        let (base, emulated) = base_url("BIGQUERY_EMULATOR_HOST", DEFAULT_BASE);
        Ok(BigQuery {
            http: Http::new("BigQuery", emulated).await?,
            base,
            project: project.into(),
        })
    }

    pub fn project(&self) -> &str {
        &self.project
    }

    fn api(&self, path: &str) -> String {
        format!(
            "{}/bigquery/v2/projects/{}/{path}",
            self.base,
            urlencode(&self.project)
        )
    }

    fn table_url(&self, table: &TableRef) -> String {
        self.api(&format!(
            "datasets/{}/tables/{}",
            table.dataset, table.table
        ))
    }

    /// Creates `dataset` unless it exists.
    pub async fn ensure_dataset(&self, dataset: &str, location: Option<&str>) -> Result<bool> {
        let what = format!("dataset {}.{dataset}", self.project);
        let get = self
            .http
            .request(Method::GET, &self.api(&format!("datasets/{dataset}")))
            .await?;
        match self.http.send(&what, get).await {
            Ok(_) => return Ok(false),
            Err(Error::Api { status: 404, .. }) => {}
            Err(e) => return Err(e),
        }
        let mut body =
            json!({"datasetReference": {"projectId": self.project, "datasetId": dataset}});
        if let Some(loc) = location {
            body["location"] = json!(loc);
        }
        let post = self
            .http
            .request(Method::POST, &self.api("datasets"))
            .await?
            .json(&body);
        match self.http.send(&format!("creating {what}"), post).await {
            Ok(_) | Err(Error::Api { status: 409, .. }) => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// The table's resource, `None` when it does not exist.
    pub async fn get_table(&self, table: &TableRef) -> Result<Option<Value>> {
        let req = self
            .http
            .request(Method::GET, &self.table_url(table))
            .await?;
        match self.http.json(&format!("table {table}"), req).await {
            Ok(v) => Ok(Some(v)),
            Err(Error::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates `table` with `def`'s schema, day-partitioned on its date
    /// column and clustered on `clustering`.
    pub async fn create_table(
        &self,
        table: &TableRef,
        def: &TableDef,
        clustering: &[&str],
    ) -> Result<()> {
        let mut body = json!({"tableReference": table.json(), "schema": schema(def)});
        if let Some(col) = def.date_column {
            body["timePartitioning"] = json!({"type": "DAY", "field": col});
        }
        if !clustering.is_empty() {
            body["clustering"] = json!({"fields": clustering});
        }
        let req = self
            .http
            .request(
                Method::POST,
                &self.api(&format!("datasets/{}/tables", table.dataset)),
            )
            .await?
            .json(&body);
        self.http
            .send(&format!("creating table {table}"), req)
            .await
            .map(|_| ())
    }

    /// Deletes `table`; a missing table is not an error.
    pub async fn delete_table(&self, table: &TableRef) -> Result<()> {
        let req = self
            .http
            .request(Method::DELETE, &self.table_url(table))
            .await?;
        match self.http.send(&format!("deleting {table}"), req).await {
            Ok(_) | Err(Error::Api { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// One load job of a Parquet file, uploaded with the resumable protocol,
    /// replacing `dest` (created with `def`'s schema).
    pub async fn load_upload(
        &self,
        dest: &TableRef,
        def: &TableDef,
        parquet: &[u8],
    ) -> Result<Job> {
        let what = format!("load of {dest}");
        let job = load_job(dest, def, None);
        let start = self
            .http
            .request(
                Method::POST,
                &format!(
                    "{}/upload/bigquery/v2/projects/{}/jobs?uploadType=resumable",
                    self.base,
                    urlencode(&self.project)
                ),
            )
            .await?
            .header("X-Upload-Content-Type", "application/octet-stream")
            .header("X-Upload-Content-Length", parquet.len())
            .json(&job);
        let response = self
            .http
            .send(&format!("starting the {what}"), start)
            .await?;
        let session = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Transport {
                service: "BigQuery",
                what: what.clone(),
                message: "the resumable upload returned no session location".into(),
            })?
            .to_string();

        let total = parquet.len();
        let chunk = chunk_size();
        let mut offset = 0;
        let resource: Value = loop {
            let end = (offset + chunk).min(total);
            let mut put = self
                .http
                .request(Method::PUT, &session)
                .await?
                .body(parquet[offset..end].to_vec());
            if total > 0 {
                put = put.header(
                    reqwest::header::CONTENT_RANGE,
                    format!("bytes {offset}-{}/{total}", end - 1),
                );
            }
            let response = put.send().await.map_err(|e| Error::Transport {
                service: "BigQuery",
                what: format!("uploading the {what}"),
                message: e.without_url().to_string(),
            })?;
            let status = response.status().as_u16();
            if status == 308 {
                // "Resume incomplete": continue after the last byte the
                // server says it has (it may have kept less than was sent;
                // no Range header means nothing).
                let kept = response
                    .headers()
                    .get(reqwest::header::RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| r.rsplit_once('-'))
                    .and_then(|(_, last)| last.trim().parse::<usize>().ok())
                    .map_or(0, |last| last + 1);
                if kept <= offset || kept >= total {
                    return Err(Error::Transport {
                        service: "BigQuery",
                        what: format!("uploading the {what}"),
                        message: format!(
                            "the upload stalled: the server holds {kept} of {total} bytes \
                             after the chunk at {offset}, and did not finish"
                        ),
                    });
                }
                offset = kept;
                continue;
            }
            if !(200..300).contains(&status) {
                let body = response.text().await.unwrap_or_default();
                return Err(Error::Api {
                    service: "BigQuery",
                    what: format!("uploading the {what}"),
                    status,
                    message: super::api_message(&body),
                });
            }
            if end < total {
                // A server may accept a chunk with 200 only at the end.
                offset = end;
                continue;
            }
            break response.json().await.map_err(|e| Error::Transport {
                service: "BigQuery",
                what: format!("finishing the {what}"),
                message: format!(
                    "the upload ended without a job resource: {}",
                    e.without_url()
                ),
            })?;
        };
        self.wait(job_of(&resource, &what)?, &what).await
    }

    /// One load job of Parquet objects at `uris`, replacing `dest`.
    pub async fn load_uris(&self, dest: &TableRef, def: &TableDef, uris: &[String]) -> Result<Job> {
        let what = format!("load of {dest}");
        self.insert_job(load_job(dest, def, Some(uris)), &what)
            .await
    }

    /// Runs `sql` (GoogleSQL, possibly a multi-statement script) as one
    /// query job and waits for it.
    pub async fn execute(&self, sql: &str, what: &str) -> Result<Job> {
        let job = json!({"configuration": {"query": {"query": sql, "useLegacySql": false}}});
        self.insert_job(job, what).await
    }

    /// Runs `sql` as one query job and reads all its rows.
    pub async fn query(&self, sql: &str) -> Result<QueryRows> {
        let job = self.execute(sql, "query").await?;
        let mut out = QueryRows::default();
        let mut page_token: Option<String> = None;
        loop {
            let mut url = self.api(&format!(
                "queries/{}?maxResults=10000&formatOptions.useInt64Timestamp=true",
                job.id
            ));
            if let Some(loc) = &job.location {
                url.push_str(&format!("&location={}", urlencode(loc)));
            }
            if let Some(token) = &page_token {
                url.push_str(&format!("&pageToken={}", urlencode(token)));
            }
            let req = self.http.request(Method::GET, &url).await?;
            let page: Value = self.http.json("reading query results", req).await?;
            if out.columns.is_empty() {
                out.columns = page
                    .pointer("/schema/fields")
                    .and_then(Value::as_array)
                    .map(|fields| {
                        fields
                            .iter()
                            .filter_map(|f| f["name"].as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
            }
            for row in page["rows"].as_array().into_iter().flatten() {
                let cells = row["f"].as_array().into_iter().flatten();
                out.rows.push(
                    cells
                        .map(|c| match &c["v"] {
                            Value::Null => None,
                            Value::String(s) => Some(s.clone()),
                            other => Some(other.to_string()),
                        })
                        .collect(),
                );
            }
            page_token = page["pageToken"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if page_token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    async fn insert_job(&self, job: Value, what: &str) -> Result<Job> {
        let req = self
            .http
            .request(Method::POST, &self.api("jobs"))
            .await?
            .json(&job);
        let resource: Value = self.http.json(&format!("starting the {what}"), req).await?;
        self.wait(job_of(&resource, what)?, what).await
    }

    /// Polls a job until it is done; its `errorResult` becomes [`Error::Job`].
    async fn wait(&self, mut job: Job, what: &str) -> Result<Job> {
        let mut delay = Duration::from_millis(50);
        loop {
            if job
                .resource
                .pointer("/status/state")
                .and_then(Value::as_str)
                == Some("DONE")
            {
                if let Some(err) = job.resource.pointer("/status/errorResult") {
                    let mut message = err["message"]
                        .as_str()
                        .unwrap_or("unknown error")
                        .to_string();
                    let details: Vec<&str> = job
                        .resource
                        .pointer("/status/errors")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|e| e["message"].as_str())
                        .filter(|m| *m != message)
                        .collect();
                    if !details.is_empty() {
                        message = format!("{message} ({})", details.join("; "));
                    }
                    return Err(Error::Job {
                        job: job.id,
                        what: what.into(),
                        message,
                    });
                }
                return Ok(job);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
            let mut url = self.api(&format!("jobs/{}", job.id));
            if let Some(loc) = &job.location {
                url.push_str(&format!("?location={}", urlencode(loc)));
            }
            let req = self.http.request(Method::GET, &url).await?;
            job.resource = self.http.json(&format!("polling the {what}"), req).await?;
        }
    }
}

fn job_of(resource: &Value, what: &str) -> Result<Job> {
    let id = resource
        .pointer("/jobReference/jobId")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Transport {
            service: "BigQuery",
            what: what.into(),
            message: "the answer carries no job id".into(),
        })?;
    Ok(Job {
        id: id.into(),
        location: resource
            .pointer("/jobReference/location")
            .and_then(Value::as_str)
            .map(str::to_string),
        resource: resource.clone(),
    })
}

/// A load job's resource: Parquet, replacing the destination, with the
/// registry schema so types never depend on inference.
fn load_job(dest: &TableRef, def: &TableDef, uris: Option<&[String]>) -> Value {
    let mut load = json!({
        "destinationTable": dest.json(),
        "sourceFormat": "PARQUET",
        "writeDisposition": "WRITE_TRUNCATE",
        "createDisposition": "CREATE_IF_NEEDED",
        "schema": schema(def),
    });
    if let Some(uris) = uris {
        load["sourceUris"] = json!(uris);
    }
    json!({"configuration": {"load": load}})
}

/// The BigQuery schema of a registry table.
pub fn schema(def: &TableDef) -> Value {
    let fields: Vec<Value> = def
        .columns
        .iter()
        .map(|c| json!({"name": c.name, "type": bq_type(c.ty), "mode": "NULLABLE"}))
        .collect();
    json!({ "fields": fields })
}

/// The GoogleSQL type of a registry column type.
pub fn bq_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Varchar => "STRING",
        ColumnType::Integer | ColumnType::Bigint => "INT64",
        ColumnType::Double => "FLOAT64",
        ColumnType::Boolean => "BOOL",
        ColumnType::Date => "DATE",
        ColumnType::Timestamp => "TIMESTAMP",
    }
}

/// Percent-encodes a path or query component.
pub(crate) fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
