//! Exact, distribution-free 95 % intervals: for a median (order statistics under
//! Binomial(n, 1/2)) and for a share (Clopper-Pearson). No seed, so they reproduce.

/// Exact order-statistic interval for the median of sorted `v`: (x_k, x_(n+1-k)) with the
/// largest k whose two tails hold at most 2.5 % each under Binomial(n, 1/2).
pub fn median_interval(v: &[f64]) -> Option<(f64, f64)> {
    let n = v.len();
    let fits = |k: &usize| binom_cdf(*k as u64 - 1, n as u64, 0.5) <= 0.025;
    let k = (1..=n / 2).take_while(fits).last().filter(|_| n >= 6)?;
    Some((v[k - 1], v[n - k]))
}

/// P(X <= k) for X ~ Binomial(n, p), summed in log space so that large n does not underflow.
fn binom_cdf(k: u64, n: u64, p: f64) -> f64 {
    let (mut ln, mut sum) = (n as f64 * (1.0 - p).ln(), 0.0);
    for i in 0..=k.min(n) {
        sum += ln.exp();
        ln += ((n - i) as f64 / (i + 1) as f64).ln() + (p / (1.0 - p)).ln();
    }
    sum.min(1.0)
}

/// Exact (Clopper-Pearson) 95 % interval of a share: `k` events in `n` trials, `n` > 0.
pub fn share_interval(k: u64, n: u64) -> (f64, f64) {
    let solve = |below: &dyn Fn(f64) -> bool| {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            *(if below(mid) { &mut lo } else { &mut hi }) = mid;
        }
        lo
    };
    let lo = if k == 0 {
        0.0
    } else {
        solve(&|p| 1.0 - binom_cdf(k - 1, n, p) < 0.025)
    };
    let hi = if k >= n {
        1.0
    } else {
        solve(&|p| binom_cdf(k, n, p) > 0.025)
    };
    (lo, hi)
}
