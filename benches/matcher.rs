//! Criterion micro-benchmarks for the matcher: a typical source file with a leak in it, and a
//! file with no keyword at all (the common case, decided by the prefilter alone).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sfleaks::matcher::Matcher;
use sfleaks::rules::RuleSet;

/// About 40 KB of ordinary Python with the words secret scanners trip on (password, secret,
/// security) and one real-shaped synthetic leak near a token call.
fn typical() -> Vec<u8> {
    let mut s = String::new();
    for i in 0..400 {
        s.push_str(&format!(
            "def handler_{i}(request, password=None):\n    \"\"\"Check the user's security settings.\"\"\"\n    if not request.user:\n        pass\n    return render(request, 'page_{i}.html', {{'secret_question': None}})\n\n"
        ));
        if i == 200 {
            s.push_str("TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'\n");
            s.push_str("data = {'grant_type': 'client_credentials',\n        'client_id': '3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm',\n        'client_secret': 'EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248'}\n");
        }
    }
    s.into_bytes()
}

/// About 1 MB of C-like code without a single keyword.
fn no_hit() -> Vec<u8> {
    let line =
        "static int compute_checksum(const unsigned char *buf, size_t len) { return (int)len; }\n";
    line.repeat(1_000_000 / line.len()).into_bytes()
}

fn bench(c: &mut Criterion) {
    let matcher = Matcher::new(RuleSet::builtin().expect("rules")).expect("matcher");
    let mut group = c.benchmark_group("matcher");
    for (name, data, path) in [
        ("typical", typical(), "views.py"),
        ("no_hit", no_hit(), "checksum.c"),
    ] {
        assert_eq!(
            matcher.find(&data, path).len(),
            usize::from(name == "typical"),
            "{name}: the benchmark must measure real work"
        );
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(name, |b| b.iter(|| matcher.find(&data, path)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
