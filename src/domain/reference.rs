//! Reference facts about councils: a council as the England lookup describes it, nearest
//! neighbour pairs, and the names and codes of England's regions and council types.

use chrono::NaiveDate;

/// One council from the lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct CouncilRecord {
    pub ons_code: String,
    pub name: String,
    pub region: String,
    pub kind: &'static str,
    pub sub_region: Option<String>,
    pub population_all: Option<i32>,
    pub population_18_plus: Option<i32>,
    pub population_65_plus: Option<i32>,
    pub population_year: Option<String>,
    pub cassr_code: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// The ONS code of each English region, by the names lookups use.
pub fn region_code(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_lowercase().as_str() {
        "north east" => "E12000001",
        "north west" => "E12000002",
        "yorkshire and the humber" | "yorkshire and humber" => "E12000003",
        "east midlands" => "E12000004",
        "west midlands" => "E12000005",
        "east of england" | "eastern" => "E12000006",
        "london" => "E12000007",
        "south east" => "E12000008",
        "south west" => "E12000009",
        _ => return None,
    })
}

/// `north-west` from `North West`: the comparator group of a region.
pub fn region_slug(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// The schema's council type from a lookup's wording or the schema's own.
pub fn council_kind(text: &str) -> Option<&'static str> {
    Some(match text.trim().to_lowercase().as_str() {
        "county" | "county council" => "county",
        "unitary authority" | "unitary" => "unitary",
        "metropolitan district" | "metropolitan_district" => "metropolitan_district",
        "london borough" | "london_borough" => "london_borough",
        _ => return None,
    })
}

/// A council, one of its nearest neighbours, and the neighbour's rank where the source ranks them.
pub type NeighbourPair = (String, String, Option<i16>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(region_code("North West"), Some("E12000002"));
        assert_eq!(
            region_slug("Yorkshire and The Humber"),
            "yorkshire-and-the-humber"
        );
        assert_eq!(region_code("Wales"), None);
    }
}
