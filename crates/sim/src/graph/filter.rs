//! The `$filter` expressions tools actually send: comparisons (`eq ne gt ge lt le`), `and`, `or`,
//! `not`, parentheses (around a clause or around an operand, as IntuneManagement writes
//! `(microsoft.graph.managedApp/appAvailability) eq null`), `in (…)`, `startswith`, `endswith`,
//! `contains`, and property paths (`target/groupId`) with type casts
//! (`microsoft.graph.managedApp/appAvailability`: the property of objects of that type, null for
//! others, as OData casts do). String comparison is case-insensitive, as on Graph; date-times compare
//! as instants. Anything else (lambdas, arithmetic) is a 400 "Invalid filter clause", like the
//! service; [`Filter::check_properties`] gives the service's 400 for a property the type lacks.

use super::error::{GraphError, GraphResult};
use serde_json::Value;
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Path(Vec<String>),
    Literal(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Compare(Operand, CompareOp, Operand),
    In(Operand, Vec<Value>),
    Function(String, Operand, Operand),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// A bare boolean property or literal (`isBuiltIn`).
    Truthy(Operand),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    Open,
    Close,
    Comma,
}

fn invalid(text: &str) -> GraphError {
    GraphError::bad_request(format!("Invalid filter clause: {text}"))
}

fn tokenize(text: &str) -> GraphResult<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1
            }
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(invalid("unterminated string literal")),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let start = i;
                while i < chars.len() && !matches!(chars[i], ' ' | '(' | ')' | ',' | '\'' | '\t') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word.starts_with(|c: char| c.is_ascii_digit() || c == '-')
                    && looks_like_datetime(&word)
                {
                    tokens.push(Token::Str(word));
                } else if let Ok(n) = word.parse::<f64>() {
                    tokens.push(Token::Num(n));
                } else if word.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '@' | '-' | ':')
                }) {
                    tokens.push(Token::Ident(word));
                } else {
                    return Err(invalid(&format!("unexpected '{word}'")));
                }
            }
        }
    }
    Ok(tokens)
}

fn looks_like_datetime(word: &str) -> bool {
    word.len() >= 10
        && word.as_bytes().get(4) == Some(&b'-')
        && word.as_bytes().get(7) == Some(&b'-')
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(word))
    }
    fn expect(&mut self, token: Token) -> GraphResult<()> {
        match self.next() {
            Some(t) if t == token => Ok(()),
            other => Err(invalid(&format!("expected {token:?}, found {other:?}"))),
        }
    }

    fn or(&mut self) -> GraphResult<Filter> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> GraphResult<Filter> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> GraphResult<Filter> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(Token::Close)?;
            // `(microsoft.graph.managedApp/appAvailability) eq null`: the parentheses held an
            // operand, and the comparison follows them.
            return match inner {
                Filter::Truthy(operand) if self.comparison_follows() => self.comparison(operand),
                inner => Ok(inner),
            };
        }
        if let Some(Token::Ident(name)) = self.peek().cloned() {
            let lower = name.to_ascii_lowercase();
            if matches!(lower.as_str(), "startswith" | "endswith" | "contains")
                && self.tokens.get(self.pos + 1) == Some(&Token::Open)
            {
                self.pos += 2;
                let a = self.operand()?;
                self.expect(Token::Comma)?;
                let b = self.operand()?;
                self.expect(Token::Close)?;
                let call = Filter::Function(lower, a, b);
                return self.maybe_compare_bool(call);
            }
            if name.contains("/any") || name.contains("/all") {
                return Err(invalid(
                    "lambda operators are not supported on this resource",
                ));
            }
        }
        let left = self.operand()?;
        self.comparison(left)
    }

    /// Whether the next token continues a comparison (`eq`, `ne`, …, `in`).
    fn comparison_follows(&self) -> bool {
        ["eq", "ne", "gt", "ge", "lt", "le", "in"]
            .iter()
            .any(|word| self.keyword(word))
    }

    /// The rest of a comparison after its left operand; a bare operand is a boolean test.
    fn comparison(&mut self, left: Operand) -> GraphResult<Filter> {
        if self.keyword("in") {
            self.pos += 1;
            self.expect(Token::Open)?;
            let mut values = Vec::new();
            loop {
                match self.operand()? {
                    Operand::Literal(v) => values.push(v),
                    Operand::Path(_) => return Err(invalid("'in' takes literals")),
                }
                match self.next() {
                    Some(Token::Comma) => continue,
                    Some(Token::Close) => break,
                    other => return Err(invalid(&format!("unexpected {other:?} in 'in' list"))),
                }
            }
            return Ok(Filter::In(left, values));
        }
        let op = match self.peek() {
            Some(Token::Ident(w)) => match w.to_ascii_lowercase().as_str() {
                "eq" => Some(CompareOp::Eq),
                "ne" => Some(CompareOp::Ne),
                "gt" => Some(CompareOp::Gt),
                "ge" => Some(CompareOp::Ge),
                "lt" => Some(CompareOp::Lt),
                "le" => Some(CompareOp::Le),
                _ => None,
            },
            _ => None,
        };
        match op {
            Some(op) => {
                self.pos += 1;
                let right = self.operand()?;
                Ok(Filter::Compare(left, op, right))
            }
            None => Ok(Filter::Truthy(left)),
        }
    }

    /// `startswith(a,'b') eq true` is the same as `startswith(a,'b')`.
    fn maybe_compare_bool(&mut self, call: Filter) -> GraphResult<Filter> {
        if self.keyword("eq") || self.keyword("ne") {
            let negate = self.keyword("ne");
            self.pos += 1;
            let expected = match self.operand()? {
                Operand::Literal(Value::Bool(b)) => b,
                _ => {
                    return Err(invalid(
                        "a function result compares only with true or false",
                    ))
                }
            };
            return Ok(if expected != negate {
                call
            } else {
                Filter::Not(Box::new(call))
            });
        }
        Ok(call)
    }

    fn operand(&mut self) -> GraphResult<Operand> {
        // A parenthesised operand on the right: `appAvailability eq (null)`.
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.operand()?;
            self.expect(Token::Close)?;
            return Ok(inner);
        }
        match self.next() {
            Some(Token::Str(s)) => Ok(Operand::Literal(Value::String(s))),
            Some(Token::Num(n)) => Ok(Operand::Literal(serde_json::json!(n))),
            Some(Token::Ident(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Ok(Operand::Literal(Value::Bool(true))),
                "false" => Ok(Operand::Literal(Value::Bool(false))),
                "null" => Ok(Operand::Literal(Value::Null)),
                _ if uuid::Uuid::parse_str(&w).is_ok() => Ok(Operand::Literal(Value::String(w))),
                _ => Ok(Operand::Path(w.split('/').map(str::to_string).collect())),
            },
            other => Err(invalid(&format!("unexpected {other:?}"))),
        }
    }
}

impl Filter {
    pub fn parse(text: &str) -> GraphResult<Filter> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Err(invalid("the expression is empty"));
        }
        let mut parser = Parser { tokens, pos: 0 };
        let filter = parser.or()?;
        if parser.pos != parser.tokens.len() {
            return Err(invalid(&format!("unexpected trailing input in '{text}'")));
        }
        Ok(filter)
    }

    pub fn matches(&self, object: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(object) && b.matches(object),
            Filter::Or(a, b) => a.matches(object) || b.matches(object),
            Filter::Not(a) => !a.matches(object),
            Filter::Truthy(operand) => resolve(operand, object) == Value::Bool(true),
            Filter::In(operand, values) => {
                let v = resolve(operand, object);
                values
                    .iter()
                    .any(|c| compare(&v, c) == Some(Ordering::Equal))
            }
            Filter::Function(name, a, b) => {
                let (Value::String(a), Value::String(b)) = (resolve(a, object), resolve(b, object))
                else {
                    return false;
                };
                let (a, b) = (a.to_lowercase(), b.to_lowercase());
                match name.as_str() {
                    "startswith" => a.starts_with(&b),
                    "endswith" => a.ends_with(&b),
                    _ => a.contains(&b),
                }
            }
            Filter::Compare(a, op, b) => {
                let ordering = compare(&resolve(a, object), &resolve(b, object));
                match op {
                    CompareOp::Eq => ordering == Some(Ordering::Equal),
                    CompareOp::Ne => ordering != Some(Ordering::Equal),
                    CompareOp::Gt => ordering == Some(Ordering::Greater),
                    CompareOp::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
                    CompareOp::Lt => ordering == Some(Ordering::Less),
                    CompareOp::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
                }
            }
        }
    }

    /// Property names the filter reads (top-level segment of each path).
    pub fn properties(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        let mut push = |o: &Operand| {
            if let Operand::Path(p) = o {
                out.push(p[0].clone());
            }
        };
        match self {
            Filter::Compare(a, _, b) | Filter::Function(_, a, b) => {
                push(a);
                push(b);
            }
            Filter::In(a, _) | Filter::Truthy(a) => push(a),
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Filter::Not(a) => a.collect(out),
        }
    }
}

fn resolve(operand: &Operand, object: &Value) -> Value {
    match operand {
        Operand::Literal(v) => v.clone(),
        Operand::Path(path) => {
            let mut current = object;
            for segment in path {
                // A type cast keeps the object when it is of that type, and is null otherwise.
                if let Some(cast) = type_cast(segment) {
                    let odata_type = current
                        .get("@odata.type")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    if derives_from(odata_type, cast) {
                        continue;
                    }
                    return Value::Null;
                }
                let next = current.as_object().and_then(|map| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(segment))
                        .map(|(_, v)| v)
                });
                match next {
                    Some(v) => current = v,
                    None => return Value::Null,
                }
            }
            current.clone()
        }
    }
}

/// `microsoft.graph.managedApp` in a path is a cast to that type; returns the type's name.
fn type_cast(segment: &str) -> Option<&str> {
    let prefix = "microsoft.graph.";
    (segment.len() > prefix.len() && segment[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &segment[prefix.len()..])
}

/// Whether an object's `@odata.type` is the cast's type or derives from it. The simulator has no
/// schema, so the abstract base types clients cast to are listed; otherwise a derived type's name
/// ends with its base's (`windows10CompliancePolicy` … `compliancePolicy`).
fn derives_from(odata_type: &str, cast: &str) -> bool {
    let t = odata_type
        .trim_start_matches('#')
        .trim_start_matches("microsoft.graph.")
        .to_ascii_lowercase();
    let base = cast.to_ascii_lowercase();
    if t.is_empty() {
        return false;
    }
    match base.as_str() {
        "mobileapp" | "entity" => true,
        "managedapp" => t.starts_with("managed") && t.ends_with("app"),
        "managedmobilelobapp" => t.starts_with("managed") && t.ends_with("lobapp"),
        "mobilelobapp" => t.ends_with("lobapp") || t.ends_with("msi"),
        "deviceconfiguration" => t.ends_with("configuration"),
        "devicecompliancepolicy" => t.ends_with("compliancepolicy"),
        _ => t == base || t.ends_with(&base),
    }
}

/// A property a filter reads: the first name after any type casts, and the cast it reads through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyRef {
    pub cast: Option<String>,
    pub name: String,
}

impl Filter {
    /// Every property the filter reads (see [`PropertyRef`]).
    pub fn property_refs(&self) -> Vec<PropertyRef> {
        let mut paths = Vec::new();
        self.collect_paths(&mut paths);
        paths
            .into_iter()
            .filter_map(|path| {
                let mut cast = None;
                for segment in path {
                    match type_cast(&segment) {
                        Some(t) => cast = Some(t.to_string()),
                        None => {
                            return Some(PropertyRef {
                                cast,
                                name: segment,
                            })
                        }
                    }
                }
                None
            })
            .collect()
    }

    fn collect_paths(&self, out: &mut Vec<Vec<String>>) {
        let mut push = |o: &Operand| {
            if let Operand::Path(p) = o {
                out.push(p.clone());
            }
        };
        match self {
            Filter::Compare(a, _, b) | Filter::Function(_, a, b) => {
                push(a);
                push(b);
            }
            Filter::In(a, _) | Filter::Truthy(a) => push(a),
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
            Filter::Not(a) => a.collect_paths(out),
        }
    }

    /// The service validates `$filter` against its schema: a property the type does not have is
    /// `400 Invalid filter clause: Could not find a property named 'x' on type 'y'.` The simulator
    /// knows a type by the objects it holds, so a property is unknown when objects of the (cast)
    /// type exist and none has it, and is not one of `navigations`; with no such objects it
    /// cannot tell and accepts the filter.
    pub fn check_properties(
        &self,
        base_type: &str,
        objects: &[&serde_json::Map<String, Value>],
        navigations: &[&str],
    ) -> GraphResult<()> {
        for property in self.property_refs() {
            let candidates: Vec<_> = objects
                .iter()
                .filter(|o| match &property.cast {
                    None => true,
                    Some(cast) => derives_from(
                        o.get("@odata.type")
                            .and_then(Value::as_str)
                            .unwrap_or(base_type),
                        cast,
                    ),
                })
                .collect();
            let known = candidates.is_empty()
                || navigations
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&property.name))
                || candidates
                    .iter()
                    .any(|o| o.keys().any(|k| k.eq_ignore_ascii_case(&property.name)));
            if !known {
                let type_name = match &property.cast {
                    Some(cast) => format!("microsoft.graph.{cast}"),
                    None => base_type.trim_start_matches('#').to_string(),
                };
                return Err(invalid(&format!(
                    "Could not find a property named '{}' on type '{type_name}'.",
                    property.name
                )));
            }
        }
        Ok(())
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => {
            if let (Some(tx), Some(ty)) = (instant(x), instant(y)) {
                return Some(tx.cmp(&ty));
            }
            Some(x.to_lowercase().cmp(&y.to_lowercase()))
        }
        (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => {
            let xf: f64 = x.parse().ok()?;
            let ord = xf.partial_cmp(&y.as_f64()?)?;
            Some(if matches!(a, Value::String(_)) {
                ord
            } else {
                ord.reverse()
            })
        }
        _ => None,
    }
}

fn instant(text: &str) -> Option<time::OffsetDateTime> {
    if !looks_like_datetime(text) || text.len() < 11 {
        return None;
    }
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(filter: &str, object: Value, expected: bool) {
        let f = Filter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e:?}"));
        assert_eq!(f.matches(&object), expected, "{filter}");
    }

    #[test]
    fn the_forms_tools_use() {
        let o = json!({"displayName": "MSP - Win - BitLocker", "isBuiltIn": false, "version": 3,
            "activityDateTime": "2026-03-04T10:22:31.1234567Z", "target": {"groupId": "abc"}});
        check("isBuiltIn eq false", o.clone(), true);
        check("displayName eq 'msp - win - bitlocker'", o.clone(), true);
        check("startswith(displayName,'MSP')", o.clone(), true);
        check(
            "contains(displayName, 'bitlocker') and version ge 3",
            o.clone(),
            true,
        );
        check("activityDateTime gt 2026-03-01T00:00:00Z", o.clone(), true);
        check("activityDateTime lt 2026-03-01T00:00:00Z", o.clone(), false);
        check("target/groupId in ('x', 'abc')", o.clone(), true);
        check("not (version eq 3) or isBuiltIn", o.clone(), false);
        check(
            "displayName eq 'It''s'",
            json!({"displayName": "It's"}),
            true,
        );
    }

    #[test]
    fn parenthesised_operands_and_type_casts() {
        // The filter IntuneManagement sends for mobileApps.
        let filter = "(microsoft.graph.managedApp/appAvailability) eq null or microsoft.graph.managedApp/appAvailability eq 'lineOfBusiness' or isAssigned eq true";
        let store = json!({"@odata.type": "#microsoft.graph.managedIOSStoreApp", "appAvailability": "global", "isAssigned": false});
        let lob = json!({"@odata.type": "#microsoft.graph.managedAndroidLobApp", "appAvailability": "lineOfBusiness", "isAssigned": false});
        let win32 = json!({"@odata.type": "#microsoft.graph.win32LobApp", "isAssigned": false});
        let assigned = json!({"@odata.type": "#microsoft.graph.managedIOSStoreApp", "appAvailability": "global", "isAssigned": true});
        check(filter, store, false);
        check(filter, lob, true);
        check(filter, win32, true);
        check(filter, assigned, true);
        check("version eq (3)", json!({"version": 3}), true);
        check(
            "((version)) eq 3 and (isBuiltIn)",
            json!({"version": 3, "isBuiltIn": true}),
            true,
        );
        let parsed = Filter::parse(filter).unwrap();
        assert_eq!(
            parsed.property_refs()[0],
            PropertyRef {
                cast: Some("managedApp".into()),
                name: "appAvailability".into()
            }
        );
    }

    #[test]
    fn unknown_properties_are_the_services_400() {
        let app = json!({"@odata.type": "#microsoft.graph.win32LobApp", "displayName": "7-Zip", "isAssigned": true});
        let managed = json!({"@odata.type": "#microsoft.graph.managedIOSStoreApp", "appAvailability": "global"});
        let objects = [app.as_object().unwrap(), managed.as_object().unwrap()];
        let ok = |f: &str| {
            Filter::parse(f).unwrap().check_properties(
                "#microsoft.graph.mobileApp",
                &objects,
                &["assignments"],
            )
        };
        assert!(ok("isassigned eq true and displayName ne 'x'").is_ok());
        assert!(ok("(microsoft.graph.managedApp/appAvailability) eq null").is_ok());
        let err = ok("bogus eq 1").unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(
            err.message,
            "Invalid filter clause: Could not find a property named 'bogus' on type 'microsoft.graph.mobileApp'."
        );
        let err = ok("microsoft.graph.managedApp/isAssigned eq true").unwrap_err();
        assert!(
            err.message
                .ends_with("on type 'microsoft.graph.managedApp'."),
            "{}",
            err.message
        );
        // Nothing of the cast's type: the simulator cannot tell, and accepts.
        assert!(ok("microsoft.graph.webApp/appUrl eq 'x'").is_ok());
    }

    #[test]
    fn garbage_is_a_400() {
        for bad in [
            "",
            "displayName eq",
            "(a eq 1",
            "a eq 'x",
            "assignments/any(a:a/id eq '1')",
            "a eq 1)",
            "% eq 1",
            "(a eq 1) eq 2",
            "a eq ()",
        ] {
            let err = Filter::parse(bad).expect_err(bad);
            assert_eq!(err.status, 400);
        }
    }
}
