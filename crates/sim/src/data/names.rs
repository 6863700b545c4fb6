//! Customer names, domains and people: the human side of the generated portfolio.

/// `(organisation name, top-level domain for a custom domain, locale for people's names)`.
pub(crate) const CUSTOMERS: &[(&str, &str, Locale)] = &[
    ("Contoso Ltd", "co.uk", Locale::En),
    ("Müller & Söhne GmbH", "de", Locale::De),
    ("Société Générale Énergie", "fr", Locale::Fr),
    ("Ørsted Læring A/S", "dk", Locale::Nordic),
    ("Zürcher Kantonalbank Services AG", "ch", Locale::De),
    ("Łódź Logistics Sp. z o.o.", "pl", Locale::Pl),
    ("Fabrikam Inc", "com", Locale::En),
    ("Northwind Traders", "com", Locale::En),
    ("Adventure Works Cycles", "com", Locale::En),
    ("Tailspin Toys", "com", Locale::En),
    ("Wide World Importers", "com", Locale::En),
    ("Bäckerei Schröder KG", "de", Locale::De),
    ("Brauerei Weißbach GmbH", "de", Locale::De),
    ("Café Crème Bordeaux SARL", "fr", Locale::Fr),
    ("Hôtel Saint-Étienne", "fr", Locale::Fr),
    ("Åkesson Byggnads AB", "se", Locale::Nordic),
    ("Bjørnstad Maskin AS", "no", Locale::Nordic),
    ("Kraków Dental Clinic", "pl", Locale::Pl),
    ("Gdańsk Shipping Sp. z o.o.", "pl", Locale::Pl),
    ("Rheinland Steuerberatung", "de", Locale::De),
    ("Alpine Ski Schule Österreich", "at", Locale::De),
    ("Van der Berg Advocaten B.V.", "nl", Locale::En),
    ("Oakridge Veterinary Group", "co.uk", Locale::En),
    ("Harbour & Pike Solicitors", "co.uk", Locale::En),
    ("Bluebell Nursery Schools", "co.uk", Locale::En),
    ("Summit Ridge Accounting", "com", Locale::En),
    ("Greenleaf Property Management", "com", Locale::En),
    ("Riverside Medical Practice", "co.uk", Locale::En),
    ("Cascade Engineering Partners", "com", Locale::En),
    ("Ironbridge Manufacturing", "co.uk", Locale::En),
    ("Peak District Outdoor Ltd", "co.uk", Locale::En),
    ("Maple & Finch Architects", "com", Locale::En),
    ("Nordlicht Versicherungsmakler", "de", Locale::De),
    ("Genève Horlogerie Sàrl", "ch", Locale::Fr),
    ("Sørensen & Dahl Revision", "dk", Locale::Nordic),
    ("Lindqvist Fastigheter AB", "se", Locale::Nordic),
    ("Château Lafleur Vins", "fr", Locale::Fr),
    ("Brightwater Charity Trust", "org.uk", Locale::En),
    ("Kestrel Aviation Services", "com", Locale::En),
    ("Silverline Logistics", "com", Locale::En),
    ("Orchard Lane Dental", "co.uk", Locale::En),
    ("Coastal Credit Union", "com", Locale::En),
    ("Hansen Elektro ApS", "dk", Locale::Nordic),
    ("Wrocław Software House", "pl", Locale::Pl),
    ("Thüringer Stadtwerke Service GmbH", "de", Locale::De),
    ("Köln Immobilien Verwaltung", "de", Locale::De),
    ("Ostrava Steel Trading s.r.o.", "cz", Locale::Pl),
    ("Lakeside Community College", "ac.uk", Locale::En),
    ("Redwood Legal LLP", "com", Locale::En),
    ("Foxglove Interiors", "co.uk", Locale::En),
    ("Atlas Freight Forwarding", "com", Locale::En),
    ("Meridian Health Clinics", "com", Locale::En),
    ("Quantum Print Solutions", "com", Locale::En),
    ("Évry Transports Express", "fr", Locale::Fr),
    ("Skåne Vatten och Miljö AB", "se", Locale::Nordic),
    ("Blackthorn Security Ltd", "co.uk", Locale::En),
    ("Mühlenbach Landtechnik GmbH", "de", Locale::De),
    ("Crescent Moon Hospitality", "com", Locale::En),
    ("Pinewood Property Lettings", "co.uk", Locale::En),
    ("Sunrise Solar Installers", "com", Locale::En),
];

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Locale {
    En,
    De,
    Fr,
    Nordic,
    Pl,
}

pub(crate) fn people(locale: Locale) -> (&'static [&'static str], &'static [&'static str]) {
    match locale {
        Locale::En => (
            &[
                "Olivia", "James", "Amelia", "Harry", "Sophie", "Daniel", "Grace", "Thomas",
                "Chloe", "Ryan",
            ],
            &[
                "Smith", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Hughes", "Clarke",
                "Patel", "Wright",
            ],
        ),
        Locale::De => (
            &[
                "Jonas", "Lena", "Lukas", "Jürgen", "Anna", "Felix", "Sören", "Marie", "Björn",
                "Käthe",
            ],
            &[
                "Müller",
                "Schmidt",
                "Schneider",
                "Weber",
                "Wagner",
                "Becker",
                "Schäfer",
                "Koch",
                "Groß",
                "Krüger",
            ],
        ),
        Locale::Fr => (
            &[
                "Camille", "Léa", "Hugo", "Chloé", "Mathéo", "Zoé", "Théo", "Inès", "Noé", "Hélène",
            ],
            &[
                "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fournier",
                "Rousseau", "Faure", "Mercier",
            ],
        ),
        Locale::Nordic => (
            &[
                "Søren", "Astrid", "Mikkel", "Ingrid", "Bjørn", "Freja", "Åsa", "Lars", "Sigrid",
                "Jørgen",
            ],
            &[
                "Jensen",
                "Nielsen",
                "Hansen",
                "Pedersen",
                "Andersson",
                "Lindström",
                "Østergaard",
                "Berg",
                "Dahl",
                "Sørensen",
            ],
        ),
        Locale::Pl => (
            &[
                "Łukasz",
                "Zofia",
                "Piotr",
                "Małgorzata",
                "Paweł",
                "Agnieszka",
                "Michał",
                "Katarzyna",
                "Wojciech",
                "Ewa",
            ],
            &[
                "Nowak",
                "Kowalski",
                "Wiśniewski",
                "Wójcik",
                "Kowalczyk",
                "Kamiński",
                "Lewandowski",
                "Zieliński",
                "Szymański",
                "Dąbrowski",
            ],
        ),
    }
}

/// Folds a name to lowercase ASCII the way admins spell domains and UPNs ("Müller" → "mueller").
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let rep: &str = match c {
            'ä' | 'Ä' | 'æ' | 'Æ' => "ae",
            'ö' | 'Ö' | 'ø' | 'Ø' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' => "ss",
            'å' | 'Å' => "aa",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'ę' | 'Ę' => "e",
            'à' | 'â' | 'á' | 'ą' | 'À' | 'Â' | 'Ą' => "a",
            'ô' | 'ó' | 'Ó' | 'Ô' => "o",
            'î' | 'ï' | 'í' => "i",
            'ç' | 'ć' | 'Ç' | 'Ć' => "c",
            'ł' | 'Ł' => "l",
            'ń' | 'Ń' => "n",
            'ś' | 'Ś' => "s",
            'ź' | 'ż' | 'Ź' | 'Ż' => "z",
            'ù' | 'û' | 'ú' => "u",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => continue,
        };
        out.push_str(rep);
    }
    out
}

const LEGAL: &[&str] = &[
    "GmbH", "AG", "A/S", "Sp.", "z", "o.o.", "Ltd", "Inc", "KG", "SARL", "Sàrl", "AB", "AS", "ApS",
    "B.V.", "LLP", "s.r.o.", "&", "Services", "Group", "and", "och",
];

/// The domain label for an organisation: legal forms and filler words dropped, ASCII-folded
/// ("Müller & Söhne GmbH" → "muellersoehne").
pub(crate) fn domain_label(name: &str) -> String {
    let words: Vec<&str> = name
        .split_whitespace()
        .filter(|w| !LEGAL.contains(w))
        .collect();
    let label = fold(&words.join(""));
    if label.len() > 24 {
        fold(words.first().copied().unwrap_or(name))
    } else {
        label
    }
}

/// A short uppercase tag for tenant-specific policy names ("MUE", "SGE").
pub(crate) fn short(name: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .filter(|w| !LEGAL.contains(w))
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    let s: String = if words.len() >= 3 {
        words
            .iter()
            .take(3)
            .filter_map(|w| w.chars().next())
            .collect()
    } else {
        words
            .first()
            .map(|w| w.chars().take(3).collect())
            .unwrap_or_default()
    };
    s.to_uppercase()
}
