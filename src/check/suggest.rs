//! "Did you mean …?": the closest known name to a misspelt one.

/// Edit distance counted in characters, so a Chinese name's typo counts one;
/// two neighbours swapped (`scroe`) count one too.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether the characters of `short` appear in `long` in order (`季度奖` in `季度奖金额`).
fn abbreviates(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// or a shortening of it.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut shortened: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == name || c.is_empty() {
            continue;
        }
        let clen = c.chars().count();
        // The distance is at least the difference in length: skip the quadratic
        // work for a name that cannot be close (a 50 MB key in a case file).
        let d = if len.abs_diff(clen) > limit {
            usize::MAX
        } else {
            distance(name, c)
        };
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || d == bd && c < bc) {
            best = Some((d, c));
        }
        let gap = len.abs_diff(clen);
        if len.min(clen) >= 2
            && gap <= 2
            && (abbreviates(name, c) || abbreviates(c, name))
            && shortened.is_none_or(|(sg, sc)| gap < sg || gap == sg && c < sc)
        {
            shortened = Some((gap, c));
        }
    }
    best.or(shortened).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_typo_is_one_edit() {
        assert_eq!(distance("季度奖金额", "季度奖金颔"), 1);
        assert_eq!(
            closest("季度奖金颔", ["季度奖金额", "年终奖金额"]),
            Some("季度奖金额")
        );
        assert_eq!(closest("完全不同", ["季度奖金额"]), None);
        assert_eq!(closest("scroe", ["score", "scope"]), Some("score"));
        assert_eq!(
            closest("季度奖金", ["季度奖金额", "年终奖金额"]),
            Some("季度奖金额")
        );
    }
}
