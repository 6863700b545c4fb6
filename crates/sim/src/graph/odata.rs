//! OData system query options as Graph accepts them: `$select`, `$expand` (with nested options),
//! `$filter`, `$top`, `$skip`, `$skiptoken`, `$count`, `$orderby`, `$search`.
//!
//! Names are case-insensitive; on `beta` the `$` prefix is optional (on `v1.0` a name without `$` is
//! an ordinary parameter and ignored). `%24` is the same as `$` once decoded. An option given twice,
//! an unknown `$` option or a malformed value is a 400, as on the real service.

use super::error::{GraphError, GraphResult};
use super::filter::Filter;
use crate::kinds::ApiVersion;

/// One `$expand` item: a navigation property with its own nested options.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expand {
    pub name: String,
    pub select: Option<Vec<String>>,
    pub expand: Vec<Expand>,
    /// Set when the resource checks the expansion (not by parsing): the service answers this
    /// navigation with an empty array here, whatever it holds.
    pub empty: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Query {
    pub select: Option<Vec<String>>,
    pub expand: Vec<Expand>,
    pub filter: Option<Filter>,
    pub top: Option<usize>,
    pub skip: Option<usize>,
    pub skiptoken: Option<String>,
    pub count: bool,
    pub orderby: Option<(String, bool)>,
    pub search: Option<String>,
    /// The options as received, minus paging, for building `@odata.nextLink`.
    pub carried: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: &str, version: ApiVersion) -> GraphResult<Query> {
        let mut query = Query::default();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            let lower = key.to_ascii_lowercase();
            let name = match lower.strip_prefix('$') {
                Some(name) => name.to_string(),
                None if version == ApiVersion::Beta && is_system_option(&lower) => lower.clone(),
                None => continue,
            };
            if !is_system_option(&name) {
                return Err(GraphError::bad_request(format!(
                    "The query parameter '{key}' is not supported."
                )));
            }
            if seen.contains(&name) {
                return Err(GraphError::bad_request(format!(
                    "Query option '${name}' was specified more than once, but it must be specified at most once."
                )));
            }
            seen.push(name.clone());
            let value = value.into_owned();
            match name.as_str() {
                "select" => query.select = Some(parse_select(&value)?),
                "expand" => query.expand = parse_expand(&value)?,
                "filter" => query.filter = Some(Filter::parse(&value)?),
                "top" => query.top = Some(parse_count(&value, "$top")?),
                "skip" => query.skip = Some(parse_count(&value, "$skip")?),
                "skiptoken" => query.skiptoken = Some(value.clone()),
                "count" => {
                    query.count = match value.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(GraphError::bad_request(format!(
                                "Invalid value '{value}' for $count query option found. The $count query option requires a Boolean value."
                            )))
                        }
                    }
                }
                "orderby" => query.orderby = Some(parse_orderby(&value)?),
                "search" => query.search = Some(value.trim_matches('"').to_string()),
                "format" if value.eq_ignore_ascii_case("json") => {}
                "format" => return Err(GraphError::bad_request(format!("The format '{value}' is not supported."))),
                _ => {}
            }
            if !matches!(name.as_str(), "skiptoken" | "skip") {
                query.carried.push((format!("${name}"), value));
            }
        }
        Ok(query)
    }

    /// Whether `$select` keeps a property (always true without `$select`).
    pub fn selects(&self, property: &str) -> bool {
        selects(&self.select, property)
    }

    pub fn expand_of(&self, name: &str) -> Option<&Expand> {
        self.expand
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }
}

pub fn selects(select: &Option<Vec<String>>, property: &str) -> bool {
    match select {
        None => true,
        Some(list) => list
            .iter()
            .any(|s| s == "*" || s.eq_ignore_ascii_case(property)),
    }
}

fn is_system_option(name: &str) -> bool {
    matches!(
        name,
        "select"
            | "expand"
            | "filter"
            | "top"
            | "skip"
            | "skiptoken"
            | "count"
            | "orderby"
            | "search"
            | "format"
    )
}

fn parse_count(value: &str, option: &str) -> GraphResult<usize> {
    value.trim().parse::<usize>().map_err(|_| {
        GraphError::bad_request(format!(
            "Invalid value '{value}' for {option} query option found. The {option} query option requires a non-negative integer value."
        ))
    })
}

fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '@' || c == '*')
}

fn parse_select(value: &str) -> GraphResult<Vec<String>> {
    let items: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
    if items.iter().any(|s| !is_identifier(s)) {
        return Err(GraphError::bad_request(format!(
            "Syntax error: character '{}' is not valid at position 0 in '{value}'.",
            value
                .chars()
                .find(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(' ')
        )));
    }
    Ok(items)
}

fn parse_orderby(value: &str) -> GraphResult<(String, bool)> {
    let mut parts = value.split_whitespace();
    let field = parts.next().unwrap_or("").to_string();
    let descending = match parts.next().map(|d| d.to_ascii_lowercase()) {
        None => false,
        Some(d) if d == "asc" => false,
        Some(d) if d == "desc" => true,
        Some(_) => {
            return Err(GraphError::bad_request(format!(
                "Syntax error at position {} in '{value}'.",
                field.len()
            )))
        }
    };
    if !is_identifier(&field.replace('/', "")) || parts.next().is_some() {
        return Err(GraphError::bad_request(format!(
            "Syntax error in $orderby '{value}'."
        )));
    }
    Ok((field, descending))
}

/// Splits at top-level separators, respecting parentheses and quotes.
fn split_top(value: &str, separator: char) -> GraphResult<Vec<String>> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut current = String::new();
    for c in value.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return Err(GraphError::bad_request(format!(
                "Syntax error: unbalanced parentheses in '{value}'."
            )));
        }
        if c == separator && depth == 0 && !quoted {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if depth != 0 || quoted {
        return Err(GraphError::bad_request(format!(
            "Syntax error: unbalanced parentheses in '{value}'."
        )));
    }
    parts.push(current);
    Ok(parts)
}

fn parse_expand(value: &str) -> GraphResult<Vec<Expand>> {
    let mut items = Vec::new();
    for part in split_top(value, ',')? {
        let part = part.trim();
        let (name, options) = match part.find('(') {
            Some(i) if part.ends_with(')') => (&part[..i], Some(&part[i + 1..part.len() - 1])),
            Some(_) => {
                return Err(GraphError::bad_request(format!(
                    "Syntax error in $expand '{value}'."
                )))
            }
            None => (part, None),
        };
        let name = name.trim();
        if !is_identifier(name) {
            return Err(GraphError::bad_request(format!(
                "Syntax error in $expand '{value}'."
            )));
        }
        let mut expand = Expand {
            name: name.to_string(),
            ..Default::default()
        };
        if let Some(options) = options {
            for option in split_top(options, ';')? {
                let option = option.trim();
                if option.is_empty() {
                    continue;
                }
                let (key, val) = option.split_once('=').ok_or_else(|| {
                    GraphError::bad_request(format!("Syntax error in $expand options '{options}'."))
                })?;
                match key
                    .trim()
                    .trim_start_matches('$')
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "select" => expand.select = Some(parse_select(val)?),
                    "expand" => expand.expand = parse_expand(val)?,
                    other => {
                        return Err(GraphError::bad_request(format!(
                            "The query option '${other}' is not supported inside $expand."
                        )))
                    }
                }
            }
        }
        items.push(expand);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_is_optional_on_beta_only() {
        let beta = Query::parse("top=5&%24select=id,displayName", ApiVersion::Beta).unwrap();
        assert_eq!(beta.top, Some(5));
        assert_eq!(beta.select.unwrap(), vec!["id", "displayName"]);
        let v1 = Query::parse("top=5", ApiVersion::V1).unwrap();
        assert_eq!(v1.top, None);
    }

    #[test]
    fn nested_expand_is_parsed() {
        let q = Query::parse(
            "$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)",
            ApiVersion::Beta,
        )
        .unwrap();
        assert_eq!(q.expand.len(), 2);
        assert_eq!(q.expand[1].expand[0].name, "scheduledActionConfigurations");
    }

    #[test]
    fn repeated_and_malformed_options_are_rejected() {
        assert!(Query::parse("$top=1&$TOP=2", ApiVersion::V1).is_err());
        assert!(Query::parse("$top=-1", ApiVersion::V1).is_err());
        assert!(Query::parse("$expand=a(b", ApiVersion::V1).is_err());
        assert!(Query::parse("$bogus=1", ApiVersion::V1).is_err());
        assert!(Query::parse("$count=maybe", ApiVersion::V1).is_err());
    }
}
