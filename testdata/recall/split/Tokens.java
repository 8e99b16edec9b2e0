package com.acme.sf;

final class Tokens {
    // the integration user's token, split to keep lines short
    static final String REFRESH_TOKEN = "5Aep861gwotguilRRgnx" +
        "1f7..hURWz30r1QQwN_rCEeA4AaGo.Ob9KM" +
        "b8qcqROg4vlZZNcehD7d.sLIlhyW7XEl";
}
