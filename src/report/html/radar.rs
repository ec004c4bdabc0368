//! The radar chart of the criteria's scores (`templates/radar.svg`).

use super::labels::ui;
use crate::i18n::Lang;
use crate::report::markdown::score_text;
use askama::Template;

/// Wraps a label at `width` display columns, between words where there are
/// spaces (English) and between characters otherwise (Japanese).
pub fn wrap_words(s: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    // Words are separated by spaces; a Japanese label may also break before an
    // opening bracket (情報の取扱い / （管理・複製・廃棄等）), never inside a word.
    let mut words: Vec<(bool, &str)> = Vec::new();
    for w in s.split(' ').filter(|w| !w.is_empty()) {
        let mut spaced = true;
        let mut rest = w;
        while let Some(i) = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '（')
            .map(|x| x.0)
        {
            words.push((spaced, &rest[..i]));
            spaced = false;
            rest = &rest[i..];
        }
        words.push((spaced, rest));
    }
    for (spaced, word) in words {
        let sep = usize::from(!cur.is_empty() && spaced);
        if cur.width() + sep + word.width() <= width {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if word.width() <= width {
            cur.push_str(word);
        } else {
            let mut parts: Vec<String> = crate::report::table::wrap(word, width)
                .lines()
                .map(str::to_string)
                .collect();
            cur = parts.pop().unwrap_or_default();
            lines.extend(parts);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The radar chart of the criteria's scores, drawn by `templates/radar.svg`.
#[derive(Template)]
#[template(path = "radar.svg")]
pub struct Radar {
    title: &'static str,
    width: f64,
    height: f64,
    cx: f64,
    cy: f64,
    /// Rings at 20 % steps: points, stroke width, where the number goes, the number.
    rings: Vec<Ring>,
    /// The end of each axis.
    axes: Vec<(String, String)>,
    scores: String,
    /// Each score's point and whether it was scored (hollow when not).
    dots: Vec<(String, String, bool)>,
    labels: Vec<RadarLabel>,
}

struct Ring {
    points: String,
    stroke: &'static str,
    x: String,
    y: String,
    value: usize,
}

struct RadarLabel {
    x: String,
    y: String,
    anchor: &'static str,
    id: String,
    score: String,
    lines: Vec<String>,
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

impl Radar {
    /// `None` scores (every item not applicable) are drawn at the centre and
    /// labelled "—".
    pub fn new(points: &[(String, String, Option<f64>)], lang: Lang) -> Radar {
        let (width, height) = (780.0_f64, 470.0_f64);
        let g = Geometry {
            cx: 390.0,
            cy: 240.0,
            r: 150.0,
            n: points.len().max(3),
        };
        let axes = (0..g.n)
            .map(|i| {
                let (x, y) = g.at(i, 1.0);
                (num(x), num(y))
            })
            .collect();
        let data: Vec<(f64, f64)> = (0..g.n)
            .map(|i| {
                let v = points.get(i).and_then(|p| p.2).unwrap_or(0.0);
                g.at(i, (v / 100.0).clamp(0.0, 1.0))
            })
            .collect();
        let dots = data
            .iter()
            .enumerate()
            .map(|(i, (x, y))| (num(*x), num(*y), points.get(i).and_then(|p| p.2).is_some()))
            .collect();
        Radar {
            title: ui(lang).chart_title,
            width,
            height,
            cx: g.cx,
            cy: g.cy,
            rings: g.rings(),
            axes,
            scores: polygon(&data),
            dots,
            labels: g.labels(points),
        }
    }
}

/// The radar chart's centre, radius and number of axes.
struct Geometry {
    cx: f64,
    cy: f64,
    r: f64,
    n: usize,
}

impl Geometry {
    /// The point of value `v` (0 the centre, 1 the outer ring) on axis `i`, the
    /// first pointing up.
    fn at(&self, i: usize, v: f64) -> (f64, f64) {
        let a = -std::f64::consts::FRAC_PI_2 + (i as f64) * std::f64::consts::TAU / self.n as f64;
        (
            self.cx + self.r * v * a.cos(),
            self.cy + self.r * v * a.sin(),
        )
    }

    /// The five rings (20 to 100), each labelled on the first axis.
    fn rings(&self) -> Vec<Ring> {
        (1..=5)
            .map(|ring| {
                let v = ring as f64 / 5.0;
                let pts: Vec<_> = (0..self.n).map(|i| self.at(i, v)).collect();
                let (_, y) = self.at(0, v);
                Ring {
                    points: polygon(&pts),
                    stroke: if ring == 5 { "1.5" } else { "0.7" },
                    x: num(self.cx + 3.0),
                    y: num(y + 14.0),
                    value: ring * 20,
                }
            })
            .collect()
    }

    /// Each criterion's label beyond the end of its axis, anchored away from
    /// the centre, its name wrapped.
    fn labels(&self, points: &[(String, String, Option<f64>)]) -> Vec<RadarLabel> {
        let (cx, cy) = (self.cx, self.cy);
        points
            .iter()
            .enumerate()
            .map(|(i, (id, name, score))| {
                let (x, y) = self.at(i, 1.13);
                let anchor = if (x - cx).abs() < 1.0 {
                    "middle"
                } else if x > cx {
                    "start"
                } else {
                    "end"
                };
                let lines: Vec<String> = wrap_words(name, 28)
                    .iter()
                    .map(|l| l.trim().to_string())
                    .collect();
                let height = 18.0 * (lines.len() as f64);
                let dy = if y < cy - 1.0 { -height } else { 4.0 };
                RadarLabel {
                    x: num(x),
                    y: num(y + dy),
                    anchor,
                    id: id.clone(),
                    score: score_text(*score),
                    lines,
                }
            })
            .collect()
    }
}

/// Points as an SVG `points` attribute.
fn polygon(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The radar chart as SVG markup (see [`Radar`]).
pub fn radar_svg(points: &[(String, String, Option<f64>)], lang: Lang) -> String {
    Radar::new(points, lang).render().unwrap_or_default()
}
