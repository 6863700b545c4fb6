//! Reading configuration collections: lists with paging, GET by id, navigation collections, and
//! the OData rendering (`$select`, `$expand`, `@odata.context`, `@odata.nextLink`) they share.
//!
//! `$expand` is checked as strictly as the service is known (or, where unknown, assumed) to be,
//! in this order: a name that is not a navigation of its type anywhere in the tree is 400 ("Could
//! not find a property named …"); a tree more than one level deep is 400 `MaxExpansionDepth`,
//! except for the nested navigations public sources show working (`kinds::NavSpec::nested`); a
//! navigation the service does not expand in this place is 400, or answered as an empty array
//! where public reports show it "failing silently" (`kinds::Expansion`). A settings catalog list
//! that expands `settings` gets server-driven smaller pages and cut-short settings
//! (`kinds::ExpandedPaging`).

use super::error::{GraphError, GraphResult, Reply, Source};
use super::odata::{selects, Expand, Query};
use super::{writes, Call};
use crate::kinds::{Expansion, KindSpec, NavSpec};
use crate::model::SimObject;
use crate::state::World;
use axum::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

pub(super) fn kind_request(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    rest: &[String],
    method: &Method,
    query: &str,
    body: Option<Value>,
) -> GraphResult<Reply> {
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (method.as_str(), rest.as_slice()) {
        ("GET", []) => list(world, call, kind, query),
        ("POST", []) => writes::create(world, call, kind, body),
        ("GET", [id]) => get(world, call, kind, id, query),
        ("PATCH", [id]) => writes::update(world, call, kind, id, body, false),
        ("PUT", [id]) if kind.key == "configurationPolicies" => {
            writes::update(world, call, kind, id, body, true)
        }
        ("DELETE", [id]) => writes::delete(world, call, kind, id),
        ("POST", [id, action]) if action.eq_ignore_ascii_case("assign") => {
            writes::assign(world, call, kind, id, body)
        }
        ("POST", [id, action])
            if action.eq_ignore_ascii_case("updateDefinitionValues")
                && kind.key == "groupPolicyConfigurations" =>
        {
            writes::update_definition_values(world, call, kind, id, body)
        }
        ("GET", [id, function])
            if function.starts_with("getOmaSettingPlainTextValue")
                && kind.key == "deviceConfigurations" =>
        {
            oma_plain_text(world, call, kind, id, function)
        }
        ("GET", [id, nav]) => list_children(world, call, kind, id, nav, query),
        ("POST", [id, nav]) => writes::create_child(world, call, kind, id, nav, body),
        ("GET", [id, nav, child]) => get_child(world, call, kind, id, nav, child, query),
        ("DELETE", [id, nav, child]) => writes::delete_child(world, call, kind, id, nav, child),
        ("GET", [id, nav, child, sub]) => {
            list_grandchildren(world, call, kind, id, nav, child, sub, query)
        }
        (_, [] | [_] | [_, _] | [_, _, _]) => Err(GraphError::method_not_allowed(method.as_str())),
        (_, [.., last]) => Err(GraphError::segment_not_found(last)),
    }
}

/// Finds an object of a kind in the caller's tenant.
pub(super) fn find<'w>(
    world: &'w World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
) -> GraphResult<&'w SimObject> {
    world.tenants[call.tenant]
        .collection(kind.key)
        .iter()
        .find(|o| o.id().eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::not_found(source_of(kind), id))
}

/// Who answers for a kind: Entra (conditional access and the directory's policies and roles,
/// with `Authorization_RequestDenied` and `Request_ResourceNotFound`) or Intune.
pub(super) fn source_of(kind: &KindSpec) -> Source {
    if matches!(
        kind.family,
        crate::kinds::Family::ConditionalAccess | crate::kinds::Family::Directory
    ) {
        Source::Directory
    } else {
        Source::Intune
    }
}

/// `{base}/{version}/$metadata#{path}` with the `$select`/`$expand` shape Graph appends.
pub(super) fn context(call: &Call, path: &str, query: &Query, entity: bool) -> String {
    let mut shape: Vec<String> = query.select.clone().unwrap_or_default();
    shape.extend(query.expand.iter().map(|e| format!("{}()", e.name)));
    let mut out = format!("{}/{}/$metadata#{}", call.base, call.version.as_str(), path);
    if !shape.is_empty() {
        out.push_str(&format!("({})", shape.join(",")));
    }
    if entity {
        out.push_str("/$entity");
    }
    out
}

/// Renders an object as a response shows it.
pub(super) fn render(
    object: &SimObject,
    select: &Option<Vec<String>>,
    expand: &[Expand],
    omit: &[&str],
) -> Value {
    let mut map = Map::new();
    for (key, value) in &object.body {
        let always = key == "id" || key == "@odata.type";
        if always || selects(select, key) {
            let value = if omit.contains(&key.as_str()) {
                Value::Null
            } else {
                value.clone()
            };
            map.insert(key.clone(), value);
        }
    }
    for e in expand {
        if e.empty {
            map.insert(e.name.clone(), Value::Array(Vec::new()));
            continue;
        }
        if let Some(value) = object.refs.get(&e.name).or_else(|| {
            object
                .refs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&e.name))
                .map(|(_, v)| v)
        }) {
            map.insert(e.name.clone(), value.clone());
            continue;
        }
        let children = object
            .children
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&e.name))
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[]);
        let rendered: Vec<Value> = children
            .iter()
            .map(|c| render(c, &e.select, &e.expand, &[]))
            .collect();
        map.insert(e.name.clone(), Value::Array(rendered));
    }
    Value::Object(map)
}

/// Adds `{nav}@odata.context` for each expanded navigation, naming the parent by id as Graph does
/// (clients such as IntuneCD match `$batch` results to objects through it).
pub(super) fn annotate_expands(call: &Call, path: &str, expand: &[Expand], value: &mut Value) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    let id = map
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    for e in expand {
        let key = format!("{}@odata.context", e.name);
        let child_path = format!("{path}('{id}')/{}", e.name);
        // A single-valued navigation (ADMX `definition`) is one entity.
        let entity = if map.get(&e.name).is_some_and(Value::is_object) {
            "/$entity"
        } else {
            ""
        };
        let context = format!(
            "{}/{}/$metadata#{child_path}{entity}",
            call.base,
            call.version.as_str()
        );
        // Nested expansions name their own parent the same way.
        if !e.expand.is_empty() {
            if let Some(Value::Array(children)) = map.get_mut(&e.name) {
                for child in children {
                    annotate_expands(call, &child_path, &e.expand, child);
                }
            }
        }
        // Annotations go right before the property they describe.
        let rebuilt: Map<String, Value> = std::mem::take(map)
            .into_iter()
            .flat_map(|(k, v)| {
                let annotation = (k == e.name).then(|| (key.clone(), json!(context)));
                annotation.into_iter().chain(std::iter::once((k, v)))
            })
            .collect();
        *map = rebuilt;
    }
}

/// Where an `$expand` is asked for: on a list, or on a GET of one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    List,
    Get,
}

/// The entity type of a navigation's items (assignments take their parent's type name).
fn item_type(nav: &NavSpec, parent_type: &str) -> String {
    if nav.item_type.is_empty() {
        format!("{parent_type}Assignment")
    } else {
        nav.item_type.to_string()
    }
}

/// The type name of a kind's objects as errors name it (`microsoft.graph.deviceConfiguration`).
fn type_name(kind: &KindSpec) -> &'static str {
    kind.base_type.trim_start_matches('#')
}

fn find_nav<'n>(navs: &'n [NavSpec], name: &str) -> Option<&'n NavSpec> {
    navs.iter().find(|n| n.name.eq_ignore_ascii_case(name))
}

/// Checks `$expand` on a resource whose objects are of `type_name` with navigations `navs`, in
/// `place`, and returns it with the navigations the service answers empty marked `empty`.
fn resolve_expand(
    navs: &[NavSpec],
    type_name: &str,
    expand: &[Expand],
    place: Place,
) -> GraphResult<Vec<Expand>> {
    check_names(navs, type_name, expand)?;
    check_depth(navs, expand, 1)?;
    let mut out = Vec::with_capacity(expand.len());
    for e in expand {
        let nav = find_nav(navs, &e.name).expect("names were checked");
        let answer = match place {
            Place::List => nav.on_list,
            Place::Get => nav.on_get,
        };
        let mut e = e.clone();
        match answer {
            Expansion::Served => {}
            Expansion::Empty => {
                e.empty = true;
                e.expand.clear();
            }
            Expansion::Refused => {
                let mut name = nav.name.to_string();
                if let Some(first) = name.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                return Err(GraphError::new(
                    400,
                    "ExpandNotSupported",
                    format!("Expand is not allowed for property '{name}' according to the entity schema."),
                ));
            }
        }
        out.push(e);
    }
    Ok(out)
}

/// Every name in the tree must be a navigation of its parent's type (OData resolves names while
/// parsing, before any depth check).
fn check_names(navs: &[NavSpec], type_name: &str, expand: &[Expand]) -> GraphResult<()> {
    for e in expand {
        let Some(nav) = find_nav(navs, &e.name) else {
            return Err(GraphError::bad_request(format!(
                "Parsing OData Select and Expand failed: Could not find a property named '{}' on type '{type_name}'.",
                e.name
            )));
        };
        check_names(nav.item_navs, &item_type(nav, type_name), &e.expand)?;
    }
    Ok(())
}

/// One level of `$expand` (Graph's documented limit); a second only for navigations public
/// sources show nested; never a third.
fn check_depth(navs: &[NavSpec], expand: &[Expand], level: usize) -> GraphResult<()> {
    for e in expand {
        let nav = find_nav(navs, &e.name).expect("names were checked");
        if level > 2 || (level == 2 && !nav.nested) {
            return Err(GraphError::bad_request(
                "The request includes a $expand path which is too deep. The maximum depth allowed is 1. To increase the limit, set the 'MaxExpansionDepth' property on EnableQueryAttribute or ODataValidationSettings.",
            ));
        }
        check_depth(nav.item_navs, &e.expand, level + 1)?;
    }
    Ok(())
}

/// One page of a collection: the index range to show and the `@odata.nextLink`, if any.
pub(super) fn paginate(
    call: &Call,
    path: &str,
    query: &Query,
    total: usize,
    default_size: usize,
    max_top: usize,
) -> GraphResult<(std::ops::Range<usize>, Option<String>)> {
    let size = query.top.unwrap_or(default_size).min(max_top);
    let start = page_offset(query)?.min(total);
    let end = (start + size).min(total);
    let next = (end < total && size > 0).then(|| next_link(call, path, query, end));
    Ok((start..end, next))
}

/// Where a page starts: the `$skiptoken` of a next link, `$skip`, or the beginning.
fn page_offset(query: &Query) -> GraphResult<usize> {
    Ok(match (&query.skiptoken, query.skip) {
        (Some(token), _) => decode_skiptoken(token)?,
        (None, Some(skip)) => skip,
        (None, None) => 0,
    })
}

/// The absolute `@odata.nextLink` of the page starting at `offset`, with the original options.
fn next_link(call: &Call, path: &str, query: &Query, offset: usize) -> String {
    let mut url = url::Url::parse(&format!("{}/{}/{}", call.base, call.version.as_str(), path))
        .expect("base URL and path form a URL");
    {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &query.carried {
            pairs.append_pair(k, v);
        }
        pairs.append_pair("$skiptoken", &encode_skiptoken(offset));
    }
    url.to_string()
}

fn encode_skiptoken(offset: usize) -> String {
    format!("RFNwdF{}", URL_SAFE_NO_PAD.encode(format!("sim:{offset}")))
}

fn decode_skiptoken(token: &str) -> GraphResult<usize> {
    token
        .strip_prefix("RFNwdF")
        .and_then(|t| URL_SAFE_NO_PAD.decode(t).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| s.strip_prefix("sim:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| {
            GraphError::bad_request(
                "The $skiptoken value is invalid or has expired; start again from the first page.",
            )
        })
}

/// Filters and orders objects as the query asks.
pub(super) fn select_objects<'a>(objects: &'a [SimObject], query: &Query) -> Vec<&'a SimObject> {
    let mut out: Vec<&SimObject> = match &query.filter {
        None => objects.iter().collect(),
        Some(filter) => objects
            .iter()
            .filter(|o| filter.matches(&Value::Object(o.body.clone())))
            .collect(),
    };
    if let Some((field, descending)) = &query.orderby {
        let key = |o: &SimObject| {
            o.body
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(field))
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        };
        out.sort_by_key(|o| key(o).to_lowercase());
        if *descending {
            out.reverse();
        }
    }
    out
}

fn list(world: &mut World, call: &Call, kind: &KindSpec, raw_query: &str) -> GraphResult<Reply> {
    let query = Query::parse(raw_query, call.version)?;
    if query.search.is_some() {
        return Err(GraphError::bad_request(
            "The query option '$search' is not supported on this resource.",
        ));
    }
    let expand = resolve_expand(kind.navs, type_name(kind), &query.expand, Place::List)?;
    let path = kind.full_path();
    let objects = select_objects(world.tenants[call.tenant].collection(kind.key), &query);
    let default_size = world
        .behaviour
        .page_size
        .unwrap_or(kind.page_size)
        .min(kind.max_top);
    let size = query.top.unwrap_or(default_size).min(kind.max_top);
    let start = page_offset(&query)?.min(objects.len());
    let mut end = (start + size).min(objects.len());
    // Expanding a large navigation shrinks the page, server-driven, and cuts each object's
    // expanded items short (docs/graph-research.md §23.4).
    let paging = kind.expanded_paging.filter(|p| {
        expand
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(p.nav) && !e.empty)
    });
    if let Some(paging) = paging {
        let mut used = 0;
        let mut last = start;
        while last < end {
            let weight = nav_children(objects[last], paging.nav)
                .len()
                .clamp(1, paging.per_object.max(1));
            if last > start && used + weight > paging.per_page {
                break;
            }
            used += weight;
            last += 1;
        }
        end = last;
    }
    let range = start..end;
    let next = (end < objects.len() && end > start).then(|| next_link(call, &path, &query, end));
    let value: Vec<Value> = objects[range.clone()]
        .iter()
        .map(|o| {
            let mut value = render(o, &query.select, &expand, kind.list_omits);
            if let Some(map) = value.as_object_mut() {
                for absent in kind.list_absent {
                    map.shift_remove(*absent);
                }
                if let Some(paging) = paging {
                    if let Some(Value::Array(items)) = map.get_mut(paging.nav) {
                        items.truncate(paging.per_object);
                    }
                }
            }
            annotate_expands(call, &path, &expand, &mut value);
            value
        })
        .collect();
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(call, &path, &query, false)),
    );
    if query.count {
        body.insert("@odata.count".into(), json!(objects.len()));
    } else if kind.key == "configurationPolicies" {
        // The settings catalog list reports the page's size as its count, with Graph's tip.
        body.insert("@odata.count".into(), json!(range.len()));
        body.insert(
            "@microsoft.graph.tips".into(),
            json!("Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET deviceManagement/configurationPolicies?$select=createdDateTime,creationSource"),
        );
    }
    if let Some(next) = next {
        body.insert("@odata.nextLink".into(), json!(next));
    }
    body.insert("value".into(), Value::Array(value));
    Ok(Reply::json(200, Value::Object(body)))
}

fn get(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    raw_query: &str,
) -> GraphResult<Reply> {
    let query = Query::parse(raw_query, call.version)?;
    let mut expand = resolve_expand(kind.navs, type_name(kind), &query.expand, Place::Get)?;
    let object = find(world, call, kind, id)?;
    // A settings catalog policy made from an endpoint security template answers `assignments`
    // empty on a GET by id, though its list expands them (msgraph-sdk-powershell#3337).
    let endpoint_security = kind.key == "configurationPolicies"
        && object
            .body
            .get("templateReference")
            .and_then(|t| t.get("templateFamily"))
            .and_then(Value::as_str)
            .is_some_and(|f| f.starts_with("endpointSecurity"));
    if endpoint_security {
        for e in expand
            .iter_mut()
            .filter(|e| e.name.eq_ignore_ascii_case("assignments"))
        {
            e.empty = true;
        }
    }
    let mut value = render(object, &query.select, &expand, &[]);
    annotate_expands(call, &kind.full_path(), &expand, &mut value);
    value
        .as_object_mut()
        .expect("rendered objects are objects")
        .insert(
            "@odata.context".into(),
            json!(context(call, &kind.full_path(), &query, true)),
        );
    move_first(&mut value, "@odata.context");
    Ok(Reply::json(200, value))
}

/// Puts a key first in the object, where Graph writes annotations.
pub(super) fn move_first(value: &mut Value, key: &str) {
    if let Some(map) = value.as_object_mut() {
        if let Some(v) = map.shift_remove(key) {
            let mut out = Map::new();
            out.insert(key.to_string(), v);
            out.extend(std::mem::take(map));
            *map = out;
        }
    }
}

fn nav_children<'w>(object: &'w SimObject, nav: &str) -> &'w [SimObject] {
    object
        .children
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(nav))
        .map(|(_, v)| v.as_slice())
        .unwrap_or(&[])
}

fn list_children(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    nav: &str,
    raw_query: &str,
) -> GraphResult<Reply> {
    let Some(spec) = kind.nav(nav) else {
        return Err(GraphError::segment_not_found(nav));
    };
    let query = Query::parse(raw_query, call.version)?;
    let expand = resolve_expand(
        spec.item_navs,
        &item_type(spec, type_name(kind)),
        &query.expand,
        Place::List,
    )?;
    let object = find(world, call, kind, id)?;
    let children = nav_children(object, spec.name);
    let objects = select_objects(children, &query);
    let path = format!("{}('{}')/{}", kind.full_path(), object.id(), spec.name);
    let link_path = format!("{}/{}/{}", kind.full_path(), object.id(), spec.name);
    let default_size = world
        .behaviour
        .page_size
        .unwrap_or(spec.page_size)
        .min(spec.page_size.max(100));
    let (range, next) = paginate(call, &link_path, &query, objects.len(), default_size, 1000)?;
    let value: Vec<Value> = objects[range]
        .iter()
        .map(|o| {
            let mut value = render(o, &query.select, &expand, &[]);
            annotate_expands(call, &path, &expand, &mut value);
            value
        })
        .collect();
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(call, &path, &query, false)),
    );
    if query.count {
        body.insert("@odata.count".into(), json!(objects.len()));
    }
    if let Some(next) = next {
        body.insert("@odata.nextLink".into(), json!(next));
    }
    body.insert("value".into(), Value::Array(value));
    Ok(Reply::json(200, Value::Object(body)))
}

fn get_child(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    nav: &str,
    child: &str,
    raw_query: &str,
) -> GraphResult<Reply> {
    let Some(spec) = kind.nav(nav) else {
        return Err(GraphError::segment_not_found(nav));
    };
    let query = Query::parse(raw_query, call.version)?;
    let expand = resolve_expand(
        spec.item_navs,
        &item_type(spec, type_name(kind)),
        &query.expand,
        Place::Get,
    )?;
    let object = find(world, call, kind, id)?;
    let found = nav_children(object, spec.name)
        .iter()
        .find(|c| c.id().eq_ignore_ascii_case(child))
        .ok_or_else(|| GraphError::not_found(source_of(kind), child))?;
    let mut value = render(found, &query.select, &expand, &[]);
    let path = format!("{}('{}')/{}", kind.full_path(), object.id(), spec.name);
    annotate_expands(call, &path, &expand, &mut value);
    value["@odata.context"] = json!(context(call, &path, &query, true));
    move_first(&mut value, "@odata.context");
    Ok(Reply::json(200, value))
}

#[allow(clippy::too_many_arguments)]
fn list_grandchildren(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    nav: &str,
    child: &str,
    sub: &str,
    raw_query: &str,
) -> GraphResult<Reply> {
    let Some(spec) = kind.nav(nav) else {
        return Err(GraphError::segment_not_found(nav));
    };
    // The navigation below a child must be one of the child's own (`…/definitionValues/{id}/presentationValues`).
    let Some(sub_spec) = find_nav(spec.item_navs, sub) else {
        return Err(GraphError::segment_not_found(sub));
    };
    let query = Query::parse(raw_query, call.version)?;
    let expand = resolve_expand(
        sub_spec.item_navs,
        &item_type(sub_spec, ""),
        &query.expand,
        Place::List,
    )?;
    let object = find(world, call, kind, id)?;
    let found = nav_children(object, spec.name)
        .iter()
        .find(|c| c.id().eq_ignore_ascii_case(child))
        .ok_or_else(|| GraphError::not_found(source_of(kind), child))?;
    let parent_path = format!(
        "{}('{}')/{}('{}')",
        kind.full_path(),
        object.id(),
        spec.name,
        found.id()
    );
    // A single-valued navigation (`…/definitionValues/{id}/definition`) is one entity.
    if let Some((ref_name, entity)) = found
        .refs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(sub_spec.name))
    {
        if !expand.is_empty() {
            return Err(GraphError::bad_request(
                "The request includes a $expand path which is too deep. The maximum depth allowed is 1. To increase the limit, set the 'MaxExpansionDepth' property on EnableQueryAttribute or ODataValidationSettings.",
            ));
        }
        let mut value = render(
            &SimObject::from_value(entity.clone()),
            &query.select,
            &[],
            &[],
        );
        let path = format!("{parent_path}/{ref_name}");
        value["@odata.context"] = json!(context(call, &path, &query, true));
        move_first(&mut value, "@odata.context");
        return Ok(Reply::json(200, value));
    }
    let Some((sub_name, items)) = found
        .children
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(sub_spec.name))
    else {
        return Err(GraphError::segment_not_found(sub));
    };
    let objects = select_objects(items, &query);
    let path = format!("{parent_path}/{sub_name}");
    let link_path = format!(
        "{}/{}/{}/{}/{}",
        kind.full_path(),
        object.id(),
        spec.name,
        found.id(),
        sub_name
    );
    let (range, next) = paginate(call, &link_path, &query, objects.len(), 100, 1000)?;
    let value: Vec<Value> = objects[range]
        .iter()
        .map(|o| {
            let mut value = render(o, &query.select, &expand, &[]);
            annotate_expands(call, &path, &expand, &mut value);
            value
        })
        .collect();
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(call, &path, &query, false)),
    );
    if let Some(next) = next {
        body.insert("@odata.nextLink".into(), json!(next));
    }
    body.insert("value".into(), Value::Array(value));
    Ok(Reply::json(200, Value::Object(body)))
}

/// `getOmaSettingPlainTextValue(secretReferenceValueId='…')`: the plain value of an encrypted OMA-URI setting.
fn oma_plain_text(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    function: &str,
) -> GraphResult<Reply> {
    let object = find(world, call, kind, id)?;
    let reference = function
        .split_once('=')
        .map(|(_, v)| v.trim_end_matches(')').trim_matches('\''))
        .unwrap_or("");
    let value = object
        .body
        .get("omaSettings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|s| s.get("secretReferenceValueId").and_then(Value::as_str) == Some(reference))
        .and_then(|s| s.get("value"))
        .cloned()
        .ok_or_else(|| GraphError::not_found(Source::Intune, reference))?;
    Ok(Reply::json(
        200,
        json!({"@odata.context": format!("{}/{}/$metadata#Edm.String", call.base, call.version.as_str()), "value": value}),
    ))
}
