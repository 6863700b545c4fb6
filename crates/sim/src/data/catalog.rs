//! Settings catalog: the parsed template library (`templates::TEMPLATES`), the setting instances
//! it renders (`deviceManagementConfigurationSetting` JSON exactly as in the IntuneCD fixtures) and
//! the setting definitions derived from it, so that every id and choice value used has a definition.

use super::{stable_guid, templates::TEMPLATES, Gen};
use crate::model::SimObject;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One setting instance in a settings catalog policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Choice {
        id: String,
        value: String,
        children: Vec<Node>,
    },
    Int {
        id: String,
        value: i64,
    },
    Str {
        id: String,
        value: String,
    },
    StrList {
        id: String,
        values: Vec<String>,
    },
    Group {
        id: String,
        children: Vec<Node>,
    },
}

/// One design of the settings catalog library.
#[derive(Clone, Debug)]
pub(crate) struct Template {
    pub stem: String,
    pub golden: bool,
    pub platforms: String,
    pub technologies: String,
    pub description: String,
    pub nodes: Vec<Node>,
    /// Settings a deviation may add (absent from the golden policy).
    pub optional: Vec<Node>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DefKind {
    Choice,
    Int,
    Str,
    StrList,
    Group,
}

#[derive(Debug)]
struct Def {
    id: String,
    kind: DefKind,
    display: String,
    /// `(suffix, label)`; the option item id is `{id}_{suffix}`.
    options: Vec<(String, String)>,
    /// `(parent setting id, parent option item id)`; the item is `None` under a group.
    parent: Option<(String, Option<String>)>,
    children: Vec<String>,
    root: String,
    category: String,
    platform: String,
    technologies: String,
}

pub(crate) struct Catalog {
    pub templates: Vec<Template>,
    definitions: Vec<Value>,
    /// Choice setting id → option item ids (for deviations).
    options: HashMap<String, Vec<String>>,
}

pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(parse)
}

pub(crate) fn definitions() -> &'static [Value] {
    &catalog().definitions
}

struct Parser {
    defs: Vec<Def>,
    index: HashMap<String, usize>,
}

fn parse() -> Catalog {
    let mut parser = Parser {
        defs: Vec::new(),
        index: HashMap::new(),
    };
    let mut templates = Vec::new();
    let lines: Vec<&str> = TEMPLATES.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut pos = 0;
    while pos < lines.len() {
        let header = lines[pos].trim();
        pos += 1;
        let (golden, rest) = match header.strip_prefix("@?") {
            Some(rest) => (false, rest),
            None => (true, header.trim_start_matches('@')),
        };
        let parts: Vec<&str> = rest.split('|').map(str::trim).collect();
        let mut t = Template {
            stem: parts[0].to_string(),
            golden,
            platforms: parts[1].to_string(),
            technologies: parts[2].to_string(),
            description: parts.get(3).unwrap_or(&"").to_string(),
            nodes: Vec::new(),
            optional: Vec::new(),
        };
        let ctx = (
            stable_guid(&format!("category:{}", t.stem)),
            t.platforms.clone(),
            t.technologies.clone(),
        );
        while pos < lines.len() && !lines[pos].starts_with('@') {
            let optional = lines[pos].starts_with('+');
            let node = parser.node(&lines, &mut pos, 0, None, None, &ctx);
            if optional {
                t.optional.push(node);
            } else {
                t.nodes.push(node);
            }
        }
        templates.push(t);
    }
    let mut options = HashMap::new();
    for d in &parser.defs {
        if d.kind == DefKind::Choice {
            let items = d
                .options
                .iter()
                .map(|(s, _)| format!("{}_{}", d.id, s))
                .collect();
            options.insert(d.id.clone(), items);
        }
    }
    let definitions = parser.defs.iter().map(definition_json).collect();
    Catalog {
        templates,
        definitions,
        options,
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

impl Parser {
    fn node(
        &mut self,
        lines: &[&str],
        pos: &mut usize,
        indent: usize,
        parent: Option<(String, Option<String>)>,
        root: Option<&str>,
        ctx: &(String, String, String),
    ) -> Node {
        let line = lines[*pos].trim().trim_start_matches('+');
        *pos += 1;
        let mut fields = line.split('|').map(str::trim);
        let head = fields.next().unwrap_or("");
        let display = fields.next().unwrap_or("").to_string();
        let explicit = fields.next();
        let (kind_char, rest) = head.split_at(1);
        let (id, value) = match rest.split_once('=') {
            Some((id, value)) => (id.trim().to_string(), value.trim().to_string()),
            None => (rest.trim().to_string(), String::new()),
        };
        let kind = match kind_char {
            "c" => DefKind::Choice,
            "i" => DefKind::Int,
            "s" => DefKind::Str,
            "l" => DefKind::StrList,
            _ => DefKind::Group,
        };
        let root = root.unwrap_or(&id).to_string();
        let options = if kind == DefKind::Choice {
            choice_options(&value, &display, explicit)
        } else {
            Vec::new()
        };
        self.register(Def {
            id: id.clone(),
            kind,
            display,
            options,
            parent: parent.clone(),
            children: Vec::new(),
            root: root.clone(),
            category: ctx.0.clone(),
            platform: ctx.1.clone(),
            technologies: ctx.2.clone(),
        });
        if let Some((parent_id, _)) = &parent {
            let p = self.index[parent_id];
            if !self.defs[p].children.contains(&id) {
                self.defs[p].children.push(id.clone());
            }
        }
        let mut children = Vec::new();
        let child_parent = match kind {
            DefKind::Choice => Some((id.clone(), Some(format!("{id}_{value}")))),
            _ => Some((id.clone(), None)),
        };
        while *pos < lines.len() && !lines[*pos].starts_with('@') && indent_of(lines[*pos]) > indent
        {
            let child_indent = indent_of(lines[*pos]);
            children.push(self.node(
                lines,
                pos,
                child_indent,
                child_parent.clone(),
                Some(&root),
                ctx,
            ));
        }
        match kind {
            DefKind::Choice => Node::Choice {
                id,
                value,
                children,
            },
            DefKind::Int => Node::Int {
                id,
                value: value.parse().unwrap_or(0),
            },
            DefKind::Str => Node::Str { id, value },
            DefKind::StrList => Node::StrList {
                id,
                values: value.split(';').map(str::to_string).collect(),
            },
            DefKind::Group => Node::Group { id, children },
        }
    }

    fn register(&mut self, def: Def) {
        match self.index.get(&def.id) {
            Some(&i) => {
                for option in def.options {
                    if !self.defs[i].options.iter().any(|(s, _)| *s == option.0) {
                        self.defs[i].options.push(option);
                    }
                }
            }
            None => {
                self.index.insert(def.id.clone(), self.defs.len());
                self.defs.push(def);
            }
        }
    }
}

fn choice_options(value: &str, display: &str, explicit: Option<&str>) -> Vec<(String, String)> {
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    if let Some(list) = explicit {
        return list
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
            .collect();
    }
    match value {
        "0" | "1" if display.starts_with("Allow") => pairs(&[("0", "Block"), ("1", "Allow")]),
        "0" | "1" => pairs(&[("0", "Disabled"), ("1", "Enabled")]),
        "true" | "false" => pairs(&[("false", "False"), ("true", "True")]),
        "block" | "audit" | "warn" | "off" => pairs(&[
            ("off", "Off"),
            ("block", "Block"),
            ("audit", "Audit"),
            ("warn", "Warn"),
        ]),
        "quarantine" | "clean" | "remove" => pairs(&[
            ("clean", "Clean"),
            ("quarantine", "Quarantine"),
            ("remove", "Remove"),
            ("allow", "Allow"),
            ("userdefined", "User defined"),
            ("block", "Block"),
        ]),
        other => vec![(other.to_string(), other.to_string())],
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering instances

fn instance(node: &Node) -> Value {
    const T: &str = "#microsoft.graph.deviceManagementConfiguration";
    match node {
        Node::Choice {
            id,
            value,
            children,
        } => json!({
            "@odata.type": format!("{T}ChoiceSettingInstance"),
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "auditRuleInformation": null,
            "choiceSettingValue": {
                "settingValueTemplateReference": null,
                "value": format!("{id}_{value}"),
                "children": children.iter().map(instance).collect::<Vec<_>>(),
            }
        }),
        Node::Int { id, value } => json!({
            "@odata.type": format!("{T}SimpleSettingInstance"),
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "auditRuleInformation": null,
            "simpleSettingValue": {
                "@odata.type": format!("{T}IntegerSettingValue"),
                "settingValueTemplateReference": null,
                "value": value,
            }
        }),
        Node::Str { id, value } => json!({
            "@odata.type": format!("{T}SimpleSettingInstance"),
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "auditRuleInformation": null,
            "simpleSettingValue": {
                "@odata.type": format!("{T}StringSettingValue"),
                "settingValueTemplateReference": null,
                "value": value,
            }
        }),
        Node::StrList { id, values } => json!({
            "@odata.type": format!("{T}SimpleSettingCollectionInstance"),
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "auditRuleInformation": null,
            "simpleSettingCollectionValue": values.iter().map(|v| json!({
                "@odata.type": format!("{T}StringSettingValue"),
                "settingValueTemplateReference": null,
                "value": v,
            })).collect::<Vec<_>>(),
        }),
        Node::Group { id, children } => json!({
            "@odata.type": format!("{T}GroupSettingCollectionInstance"),
            "settingDefinitionId": id,
            "settingInstanceTemplateReference": null,
            "auditRuleInformation": null,
            "groupSettingCollectionValue": [{
                "settingValueTemplateReference": null,
                "children": children.iter().map(instance).collect::<Vec<_>>(),
            }],
        }),
    }
}

/// The `settings` navigation of a policy: `{"id": "0", "settingInstance": {…}}`, ….
pub(crate) fn settings_children(nodes: &[Node]) -> Vec<SimObject> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            SimObject::from_value(json!({"id": i.to_string(), "settingInstance": instance(n)}))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Deviations on settings

/// Changes one value in `nodes` (a choice to another option, or an integer); returns what changed.
pub(crate) fn change_value(nodes: &mut [Node], gen: &mut Gen) -> Option<String> {
    let mut leaves: Vec<&mut Node> = Vec::new();
    collect_changeable(nodes, &mut leaves);
    if leaves.is_empty() {
        return None;
    }
    let i = gen.below(leaves.len());
    match &mut *leaves[i] {
        Node::Choice { id, value, .. } => {
            let items = catalog().options.get(id.as_str())?;
            let current = format!("{id}_{value}");
            let others: Vec<&String> = items.iter().filter(|x| **x != current).collect();
            let next = gen.pick(&others).to_string();
            let old = std::mem::replace(value, next[id.len() + 1..].to_string());
            Some(format!("{id}: {old} -> {value}"))
        }
        Node::Int { id, value } => {
            let old = *value;
            *value = if old == 0 { 1 } else { old * 2 };
            Some(format!("{id}: {old} -> {value}"))
        }
        _ => None,
    }
}

fn collect_changeable<'a>(nodes: &'a mut [Node], out: &mut Vec<&'a mut Node>) {
    for node in nodes {
        let has_children = matches!(node, Node::Choice { children, .. } | Node::Group { children, .. } if !children.is_empty());
        let changeable = match &*node {
            Node::Choice { id, .. } => catalog()
                .options
                .get(id.as_str())
                .is_some_and(|o| o.len() > 1),
            Node::Int { .. } => true,
            _ => false,
        };
        // Only leaves are changed, so children of a changed choice stay consistent.
        if has_children {
            if let Node::Choice { children, .. } | Node::Group { children, .. } = node {
                collect_changeable(children, out);
            }
        } else if changeable {
            out.push(node);
        }
    }
}

pub(crate) fn node_id(node: &Node) -> &str {
    match node {
        Node::Choice { id, .. }
        | Node::Int { id, .. }
        | Node::Str { id, .. }
        | Node::StrList { id, .. }
        | Node::Group { id, .. } => id,
    }
}

// ---------------------------------------------------------------------------------------------
// Definitions

fn uris(id: &str) -> (String, String) {
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    for (prefix, base) in [
        (
            "device_vendor_msft_policy_config_",
            "./Device/Vendor/MSFT/Policy/Config/",
        ),
        (
            "user_vendor_msft_policy_config_",
            "./User/Vendor/MSFT/Policy/Config/",
        ),
        ("device_vendor_msft_", "./Device/Vendor/MSFT/"),
        ("vendor_msft_", "./Vendor/MSFT/"),
    ] {
        if let Some(rest) = id.strip_prefix(prefix) {
            let (area, offset) = rest.split_once('_').unwrap_or((rest, ""));
            return (format!("{base}{}", cap(area)), cap(offset));
        }
    }
    let (payload, offset) = id.split_once('_').unwrap_or((id, ""));
    (payload.to_string(), offset.to_string())
}

fn applicability(d: &Def) -> Value {
    if d.platform == "windows10" {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationWindowsSettingApplicability",
            "description": null,
            "platform": "windows10",
            "deviceMode": "none",
            "technologies": d.technologies,
            "configurationServiceProviderVersion": "5.0",
            "maximumSupportedVersion": null,
            "minimumSupportedVersion": "10.0.19041",
            "requiredAzureAdTrustType": "none",
            "requiresAzureAd": false,
            "windowsSkus": ["windowsProfessional", "windowsEnterprise", "windowsEducation"],
        })
    } else {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSettingApplicability",
            "description": null,
            "platform": d.platform,
            "deviceMode": "none",
            "technologies": d.technologies,
        })
    }
}

fn definition_json(d: &Def) -> Value {
    const T: &str = "#microsoft.graph.deviceManagementConfiguration";
    let (base_uri, offset_uri) = uris(&d.id);
    let area = base_uri.rsplit('/').next().unwrap_or("").to_string();
    let info_url = if d.platform == "windows10" {
        format!(
            "https://learn.microsoft.com/windows/client-management/mdm/policy-csp-{}",
            area.to_lowercase()
        )
    } else {
        format!(
            "https://developer.apple.com/documentation/devicemanagement/{}",
            area.to_lowercase()
        )
    };
    let (odata_type, ux) = match d.kind {
        DefKind::Choice if d.options.len() == 2 => ("ChoiceSettingDefinition", "toggle"),
        DefKind::Choice => ("ChoiceSettingDefinition", "dropdown"),
        DefKind::Int | DefKind::Str => ("SimpleSettingDefinition", "default"),
        DefKind::StrList => ("SimpleSettingCollectionDefinition", "default"),
        DefKind::Group => ("SettingGroupCollectionDefinition", "default"),
    };
    let mut v = json!({
        "@odata.type": format!("{T}{odata_type}"),
        "applicability": applicability(d),
        "accessTypes": "add,delete,get,replace",
        "keywords": [d.display, area],
        "infoUrls": [info_url],
        "occurrence": null,
        "baseUri": base_uri,
        "offsetUri": offset_uri,
        "rootDefinitionId": d.root,
        "categoryId": d.category,
        "settingUsage": "configuration",
        "uxBehavior": ux,
        "visibility": "settingsCatalog,template",
        "referredSettingInformationList": [],
        "id": d.id,
        "description": format!("{}.", d.display.trim_end_matches(':')),
        "helpText": format!("This policy setting lets you configure \"{}\". If you do not configure it, the device default applies.", d.display.trim_end_matches(':')),
        "name": offset_uri.rsplit('/').next().unwrap_or(""),
        "displayName": d.display,
        "version": "638000000000000000",
    });
    let map = v.as_object_mut().expect("object");
    if let Some((parent, item)) = &d.parent {
        map.insert(
            "dependentOn".into(),
            json!([{"dependentOn": item.clone().unwrap_or_else(|| parent.clone()), "parentSettingId": parent}]),
        );
    }
    match d.kind {
        DefKind::Choice => {
            map.insert(
                "defaultOptionId".into(),
                json!(format!("{}_{}", d.id, d.options[0].0)),
            );
            let options: Vec<Value> = d
                .options
                .iter()
                .map(|(suffix, label)| {
                    let value = match suffix.parse::<i64>() {
                        Ok(n) => json!({"@odata.type": format!("{T}IntegerSettingValue"), "settingValueTemplateReference": null, "value": n}),
                        Err(_) => json!({"@odata.type": format!("{T}StringSettingValue"), "settingValueTemplateReference": null, "value": suffix}),
                    };
                    let item = format!("{}_{}", d.id, suffix);
                    json!({
                        "itemId": item,
                        "description": null,
                        "helpText": null,
                        "name": label,
                        "displayName": label,
                        "optionValue": value,
                        "dependentOn": [],
                        "dependedOnBy": d.children.iter().map(|c| json!({"dependedOnBy": c, "required": false})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            map.insert("options".into(), Value::Array(options));
        }
        DefKind::Int => {
            map.insert(
                "valueDefinition".into(),
                json!({"@odata.type": format!("{T}IntegerSettingValueDefinition"), "maximumValue": 2147483647, "minimumValue": 0}),
            );
            map.insert(
                "defaultValue".into(),
                json!({"@odata.type": format!("{T}IntegerSettingValue"), "settingValueTemplateReference": null, "value": 0}),
            );
        }
        DefKind::Str | DefKind::StrList => {
            map.insert(
                "valueDefinition".into(),
                json!({"@odata.type": format!("{T}StringSettingValueDefinition"), "fileTypes": [], "format": "none", "inputValidationSchema": null, "isSecret": false, "maximumLength": 87516, "minimumLength": 0}),
            );
            if d.kind == DefKind::StrList {
                map.insert("maximumCount".into(), json!(600));
                map.insert("minimumCount".into(), json!(0));
            } else {
                map.insert(
                    "defaultValue".into(),
                    json!({"@odata.type": format!("{T}StringSettingValue"), "settingValueTemplateReference": null, "value": ""}),
                );
            }
        }
        DefKind::Group => {
            map.insert("childIds".into(), json!(d.children));
            map.insert("maximumCount".into(), json!(1));
            map.insert("minimumCount".into(), json!(0));
        }
    }
    v
}
