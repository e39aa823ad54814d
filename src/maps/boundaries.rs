//! The shipped council boundaries (ONS, December 2023, super-generalised and clipped to the
//! coastline; `seed-data/geography/`), projected to the British National Grid once, and the
//! shapes of councils that no longer exist, merged from their successors' boundaries.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use super::merge::merged;

/// A point on the British National Grid (metres east, metres north).
pub type Point = (f64, f64);

/// A council's outline: rings of projected points (outer rings and holes alike; SVG's even-odd
/// fill tells them apart).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub code: String,
    pub name: String,
    pub rings: Vec<Vec<Point>>,
}

impl Shape {
    /// The shape's extent: (min east, min north, max east, max north).
    pub fn extent(&self) -> (f64, f64, f64, f64) {
        self.rings.iter().flatten().fold(
            (
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), (x, y)| (a.min(*x), b.min(*y), c.max(*x), d.max(*y)),
        )
    }
}

/// The attribution every map carries (OGL v3; contains OS data).
pub const ATTRIBUTION: &str = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2023.";

const GEOJSON_GZ: &[u8] =
    include_bytes!("../../seed-data/geography/ctyua23_england_bsc_4dp.geojson.gz");
const LOOKUP: &str = include_str!("../../seed-data/reference/la_lookup.csv");

/// Longitude and latitude (degrees, WGS84) on the British National Grid (EPSG:27700), with the
/// published Helmert shift to OSGB36.
pub fn project(lon: f64, lat: f64) -> Point {
    static PROJECTIONS: OnceLock<(proj4rs::Proj, proj4rs::Proj)> = OnceLock::new();
    let (from, to) = PROJECTIONS.get_or_init(|| {
        let from = proj4rs::Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .expect("WGS84 is a valid projection");
        let to = proj4rs::Proj::from_proj_string(concat!(
            "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000",
            " +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489",
            " +units=m +no_defs"
        ))
        .expect("the British National Grid is a valid projection");
        (from, to)
    });
    let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
    match proj4rs::transform::transform(from, to, &mut p) {
        Ok(()) => (p.0, p.1),
        Err(_) => (f64::NAN, f64::NAN),
    }
}

#[derive(serde::Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(serde::Deserialize)]
struct Feature {
    properties: HashMap<String, String>,
    geometry: Geometry,
}

#[derive(serde::Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<(f64, f64)>>),
    MultiPolygon(Vec<Vec<Vec<(f64, f64)>>>),
}

/// Every English upper-tier council of the shipped file, projected, and the councils the
/// shipped lookup records as abolished, merged from the successors its status names.
pub fn shapes() -> &'static HashMap<String, Shape> {
    static SHAPES: OnceLock<HashMap<String, Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(GEOJSON_GZ)
            .read_to_end(&mut json)
            .expect("the shipped boundaries decompress");
        let collection: Collection =
            serde_json::from_slice(&json).expect("the shipped boundaries are GeoJSON");
        let mut shapes: HashMap<String, Shape> = collection
            .features
            .into_iter()
            .filter_map(|f| {
                let code = f.properties.get("CTYUA23CD")?.clone();
                let name = f.properties.get("CTYUA23NM")?.clone();
                let rings = match f.geometry {
                    Geometry::Polygon(rings) => rings,
                    Geometry::MultiPolygon(polygons) => polygons.into_iter().flatten().collect(),
                };
                Some((
                    code.clone(),
                    Shape {
                        code,
                        name,
                        rings: rings
                            .into_iter()
                            .map(|r| r.into_iter().map(|(lon, lat)| project(lon, lat)).collect())
                            .collect(),
                    },
                ))
            })
            .collect();
        for (code, name, successors) in abolished_councils() {
            let parts: Vec<&Shape> = successors.iter().filter_map(|s| shapes.get(s)).collect();
            if !parts.is_empty() && !shapes.contains_key(code) {
                let rings = merged(&parts);
                let (code, name) = (code.clone(), name.clone());
                shapes.insert(code.clone(), Shape { code, name, rings });
            }
        }
        shapes
    })
}

/// The councils the shipped lookup records as abolished, with their successors.
pub fn abolished_councils() -> &'static [(String, String, Vec<String>)] {
    static ABOLISHED: OnceLock<Vec<(String, String, Vec<String>)>> = OnceLock::new();
    ABOLISHED.get_or_init(|| abolished(LOOKUP))
}

/// The councils a lookup records as abolished, with the successors its status names
/// ("abolished 2023-04 (split into Cumberland E06000063 and Westmorland and Furness
/// E06000064)"): every ONS code in the status other than the council's own.
pub fn abolished(lookup: &str) -> Vec<(String, String, Vec<String>)> {
    let mut reader = csv::Reader::from_reader(lookup.as_bytes());
    let Ok(headers) = reader.headers().cloned() else {
        return Vec::new();
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(code), Some(name), Some(status)) =
        (column("la_code"), column("la_name"), column("status"))
    else {
        return Vec::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.get(status).is_some_and(|s| s.starts_with("abolished")))
        .map(|r| {
            let own = r[code].to_string();
            let successors = r[status]
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| is_ons_code(w) && *w != own)
                .map(String::from)
                .collect();
            (own, r[name].to_string(), successors)
        })
        .collect()
}

fn is_ons_code(word: &str) -> bool {
    word.len() == 9 && word.starts_with('E') && word[1..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_matches_the_ons_centroids_own_grid_references() {
        // ONS publishes each council's centroid both ways (the UK file's LONG/LAT and
        // BNG_E/BNG_N): Manchester, Cornwall, Northumberland, Kent.
        for (lon, lat, east, north) in [
            (-2.23359, 53.47009, 384_591.0, 397_063.0),
            (-4.64254, 50.45022, 212_497.0, 64_493.0),
            (-2.07523, 55.30038, 395_322.0, 600_700.0),
            (0.72137, 51.19295, 590_249.0, 147_268.0),
        ] {
            let (x, y) = project(lon, lat);
            assert!(
                (x - east).abs() < 25.0 && (y - north).abs() < 25.0,
                "({lon}, {lat}) -> ({x:.0}, {y:.0}), ONS ({east}, {north})"
            );
        }
    }

    #[test]
    fn abolished_councils_name_their_successors() {
        let lookup = "la_code,la_name,region,status\n\
            E10000006,Cumbria,North West,abolished 2023-04 (split into Cumberland E06000063 and Westmorland and Furness E06000064)\n\
            E06000029,Poole,South West,abolished 2019-04 (merged into BCP E06000058)\n\
            E06000063,Cumberland,North West,created 2023-04\n";
        assert_eq!(
            abolished(lookup),
            [
                (
                    "E10000006".to_string(),
                    "Cumbria".to_string(),
                    vec!["E06000063".to_string(), "E06000064".to_string()]
                ),
                (
                    "E06000029".to_string(),
                    "Poole".to_string(),
                    vec!["E06000058".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn every_council_of_the_file_and_cumbria_has_a_shape() {
        let shapes = shapes();
        assert_eq!(shapes.len(), 153 + abolished_councils().len());
        let cumbria = &shapes["E10000006"];
        assert_eq!(cumbria.name, "Cumbria");
        // Cumbria's extent is its two successors' together.
        let (a, b) = (shapes["E06000063"].extent(), shapes["E06000064"].extent());
        let c = cumbria.extent();
        assert_eq!(c, (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)));
        // Without the border its successors share: fewer points than the two together.
        let points = |s: &Shape| s.rings.iter().map(Vec::len).sum::<usize>();
        let parts = points(&shapes["E06000063"]) + points(&shapes["E06000064"]);
        assert!(
            points(cumbria) + 200 < parts,
            "{} of {parts}",
            points(cumbria)
        );
    }
}
