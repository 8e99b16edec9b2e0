/* salesforce sync daemon */
static const char *sf_refresh_token = "5Aep861axJ_Q6G9SvLsZnWesOEFk1HP3YNCd_BltGjTSSkng79"
                                      "Ba4TfgsDebenpYGKPSwlMK1jzvB3gi0zh70Pz";
