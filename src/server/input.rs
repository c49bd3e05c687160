//! A guard in front of tower-lsp-server's input: its reader stops for good at the first frame it
//! cannot decode, so malformed frames are answered here and never reach it.

use super::framing::{BadFrame, Frame, body, frame, read_frame};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::UnboundedSender;

/// Copies well-formed JSON-RPC messages from `input` to `framework`; answers the others with
/// a JSON-RPC error on `replies`. Ends at the end of the input.
pub async fn guard(
    input: impl AsyncRead + Unpin,
    mut framework: impl AsyncWrite + Unpin,
    replies: UnboundedSender<Frame>,
) -> std::io::Result<()> {
    let mut input = BufReader::new(input);
    while let Some(read) = read_frame(&mut input).await? {
        let problem = match read {
            Ok(message) => match check(body(&message)) {
                Ok(Some(rewritten)) => {
                    framework.write_all(&frame(rewritten.as_bytes())).await?;
                    framework.flush().await?;
                    continue;
                }
                Ok(None) => {
                    framework.write_all(&message).await?;
                    framework.flush().await?;
                    continue;
                }
                Err(problem) => problem,
            },
            Err(BadFrame::NoLength) => Problem::parse("a header without Content-Length"),
            Err(BadFrame::TooLarge(length)) => {
                Problem::parse(&format!("a message of {length} bytes is too large"))
            }
        };
        let _ = replies.send(frame(problem.reply().to_string().as_bytes()));
    }
    Ok(())
}

struct Problem {
    code: i64,
    message: String,
    id: Value,
}

impl Problem {
    fn parse(why: &str) -> Problem {
        Problem {
            code: -32700,
            message: format!("Parse error: {why}"),
            id: Value::Null,
        }
    }

    fn reply(&self) -> Value {
        json!({"jsonrpc": "2.0", "id": self.id, "error": {"code": self.code, "message": self.message}})
    }
}

/// Whether a body is a JSON-RPC request, notification or response tower-lsp-server can read;
/// `Some` body to pass instead of this one.
fn check(body: &[u8]) -> Result<Option<String>, Problem> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Problem::parse(&e.to_string()))?;
    let invalid = |why: &str| Problem {
        code: -32600,
        message: format!("Invalid Request: {why}"),
        id: value
            .get("id")
            .filter(|id| id.is_number() || id.is_string())
            .cloned()
            .unwrap_or(Value::Null),
    };
    let Some(object) = value.as_object() else {
        return Err(invalid("not an object"));
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid("jsonrpc must be \"2.0\""));
    }
    let id_ok = object
        .get("id")
        .is_none_or(|id| id.is_number() || id.is_string() || id.is_null());
    if !id_ok {
        return Err(invalid("id must be a number or a string"));
    }
    match object.get("method") {
        Some(Value::String(method)) => Ok(without_void_params(method, &value)),
        Some(_) => Err(invalid("method must be a string")),
        None if object.contains_key("id")
            && (object.contains_key("result") || object.contains_key("error")) =>
        {
            Ok(None)
        }
        None => Err(invalid("neither a request nor a response")),
    }
}

/// `shutdown` and `exit` take no parameters. tower-lsp-server refuses a `shutdown` that has some
/// yet shuts down all the same, leaving a server that refuses everything after; so whatever
/// parameters a client sends with them are dropped, and they mean what they say.
fn without_void_params(method: &str, value: &Value) -> Option<String> {
    if !matches!(method, "shutdown" | "exit") || value.get("params").is_none() {
        return None;
    }
    let mut value = value.clone();
    value.as_object_mut()?.remove("params");
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn malformed_frames_are_answered_and_the_rest_passes() {
        let good = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let with_params = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown","params":{"x":1}}"#;
        let mut input = Vec::new();
        input.extend(frame(b"{not json"));
        input.extend(b"X-Junk: 1\r\n\r\n");
        input.extend(frame(br#"{"jsonrpc":"2.0","id":7,"params":{}}"#));
        input.extend(frame(b"[1,2]"));
        input.extend(frame(good));
        input.extend(frame(with_params));
        let (framework_in, mut framework_out) = tokio::io::duplex(1 << 16);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        guard(&input[..], framework_in, tx).await.unwrap();
        let mut forwarded = Vec::new();
        framework_out.read_to_end(&mut forwarded).await.unwrap();
        // The second shutdown without its parameters.
        let (first, second) = forwarded.split_at(frame(good).len());
        assert_eq!(first, frame(good));
        let second: Value = serde_json::from_slice(body(second)).unwrap();
        assert_eq!(second, serde_json::from_slice::<Value>(good).unwrap());
        let mut replies = Vec::new();
        while let Ok(reply) = rx.try_recv() {
            let value: Value = serde_json::from_slice(body(&reply)).unwrap();
            replies.push((
                value["id"].clone(),
                value["error"]["code"].as_i64().unwrap(),
            ));
        }
        assert_eq!(
            replies,
            [
                (Value::Null, -32700),
                (Value::Null, -32700),
                (json!(7), -32600),
                (Value::Null, -32600)
            ]
        );
    }
}
