//! The Phase 5 heuristic prediction systems on hand-built `Features` (no lake): the moving
//! average (`src/predictions/systems/moving_average.rs`, reference-phase5 §2.1), the shared
//! volatility confidence and the recommendation gate (`systems/mod.rs`), the zone matchup
//! (`zone_matchup.rs`, §2.2), similarity (`similarity.rs`, §2.3), the ensemble (`ensemble.rs`,
//! §2.5) and the trained model's confidence rule (`predictions::gbm_prediction`, §2.4).
//!
//! Every expected value is worked out by hand in a comment. The neutral player of [`features`]
//! averages 20 points everywhere, is at home, is neither tired nor fresh for similarity
//! (fatigue 70, which also costs the moving average and the zone matchup nothing), faces a
//! defence rated exactly at the league's mean and has one day of rest: the moving average
//! predicts 20 + 0.5 = 20.5, the zone matchup 20 + 1.1 % of 20 at home = 20.22.

use backcourt::predictions::features::{Defaults, Features};
use backcourt::predictions::gbm_prediction;
use backcourt::predictions::systems::ensemble::{self, Weights};
use backcourt::predictions::systems::similarity::{
    self, Context, Form, PastGame, Rest, Tier, TooFewSimilar,
};
use backcourt::predictions::systems::{
    moving_average, volatility_confidence, zone_matchup, Adjustments, Gate, Prediction,
    Recommendation, Subject, SystemId,
};

use Recommendation::{NoLine, Over, Pass, Under};

/// The league's mean opponent defensive rating on the subject's date.
const LEAGUE: f64 = 115.0;

/// The neutral player (see the module comment).
fn features() -> Features {
    Features {
        points_avg_last_5: 20.0,
        points_avg_last_10: 20.0,
        points_avg_season: 20.0,
        points_std_last_10: 3.0,
        games_in_last_7_days: 3.0,
        fatigue_score: 70.0,
        opponent_def_rating: LEAGUE,
        opponent_pace: 100.0,
        home_away: 1.0,
        pct_paint: 0.4,
        pct_mid_range: 0.2,
        pct_three: 0.3,
        pct_free_throw: 0.1,
        ..Features::default()
    }
}

/// A subject with one day of rest (`days_rest` 2 as the store counts it) and quality 95.
fn subject(f: &Features, line: Option<f64>) -> Subject<'_> {
    Subject {
        features: f,
        defaults: Defaults::NONE,
        line,
        league_def_rating: LEAGUE,
        days_rest: Some(2),
        feature_quality: 95.0,
    }
}

#[track_caller]
fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "got {actual}, expected {expected}"
    );
}

#[track_caller]
fn assert_adjustments(actual: &Adjustments, expected: Adjustments) {
    let fields = |a: &Adjustments| {
        [
            a.fatigue,
            a.shot_zone,
            a.pace,
            a.usage_spike,
            a.home_away,
            a.other,
        ]
    };
    for (name, (a, e)) in [
        "fatigue",
        "shot_zone",
        "pace",
        "usage_spike",
        "home_away",
        "other",
    ]
    .iter()
    .zip(fields(actual).into_iter().zip(fields(&expected)))
    {
        assert!(
            (a - e).abs() < 1e-9,
            "{name}: got {a}, expected {e} ({actual:?})"
        );
    }
}

fn ma(f: &Features) -> Prediction {
    moving_average::predict(&subject(f, None))
}

fn zm(f: &Features) -> Prediction {
    zone_matchup::predict(&subject(f, None))
}

// ---------------------------------------------------------------------------------------------
// Moving average
// ---------------------------------------------------------------------------------------------

#[test]
fn moving_average_base_is_half_last_5_three_tenths_last_10_a_fifth_season() {
    let only = |l5: f64, l10: f64, season: f64| {
        ma(&Features {
            points_avg_last_5: l5,
            points_avg_last_10: l10,
            points_avg_season: season,
            ..features()
        })
    };
    // Each weight alone, plus the home +0.5.
    assert_close(only(10.0, 0.0, 0.0).points, 5.5); // 0.5·10 + 0.5
    assert_close(only(0.0, 10.0, 0.0).points, 3.5); // 0.3·10 + 0.5
    assert_close(only(0.0, 0.0, 10.0).points, 2.5); // 0.2·10 + 0.5
    let p = only(20.0, 18.0, 16.0);
    // 0.5·20 + 0.3·18 + 0.2·16 = 10 + 5.4 + 3.2 = 18.6, + 0.5 at home.
    assert_close(p.points, 19.1);
    assert_adjustments(
        &p.adjustments,
        Adjustments {
            home_away: 0.5,
            ..Adjustments::default()
        },
    );
    assert_eq!(p.system, SystemId::MovingAverage);
    assert_eq!(p.similar, None);
    assert_eq!(p.agreement, None);
}

#[test]
fn moving_average_fatigue_penalises_a_low_score_and_a_fresh_100_costs_nothing() {
    // 100 = fresh: below 50 costs 2.5, below 70 costs 1.0, from 70 nothing.
    for (fatigue, penalty) in [
        (0.0, -2.5),
        (49.9, -2.5),
        (50.0, -1.0),
        (69.9, -1.0),
        (70.0, 0.0),
        (85.0, 0.0),
        (100.0, 0.0),
    ] {
        let p = ma(&Features {
            fatigue_score: fatigue,
            ..features()
        });
        assert_close(p.adjustments.fatigue, penalty);
        assert_close(p.points, 20.5 + penalty);
    }
}

#[test]
fn moving_average_mismatch_and_usage_scale_by_three_tenths_and_two_fifths_pace_by_the_base() {
    let home = Adjustments {
        home_away: 0.5,
        ..Adjustments::default()
    };
    let cases = [
        // (features, the one adjustment expected besides the venue)
        (
            Features {
                shot_zone_mismatch_score: 5.0,
                ..features()
            },
            Adjustments {
                shot_zone: 1.5, // 0.3 · 5
                ..home
            },
        ),
        (
            Features {
                shot_zone_mismatch_score: -4.0,
                ..features()
            },
            Adjustments {
                shot_zone: -1.2, // 0.3 · −4
                ..home
            },
        ),
        (
            Features {
                pace_score: 2.0,
                ..features()
            },
            Adjustments {
                pace: 0.2, // 20 · 2 / 200: the base scaled by the pace score over 200
                ..home
            },
        ),
        (
            Features {
                usage_spike_score: 2.5,
                ..features()
            },
            Adjustments {
                usage_spike: 1.0, // 0.4 · 2.5
                ..home
            },
        ),
        (
            Features {
                usage_spike_score: -1.0,
                ..features()
            },
            Adjustments {
                usage_spike: -0.4, // 0.4 · −1
                ..home
            },
        ),
    ];
    for (f, expected) in cases {
        let p = ma(&f);
        assert_adjustments(&p.adjustments, expected);
        // Base 20 plus the adjustments.
        assert_close(p.points, 20.0 + expected.total());
    }
}

#[test]
fn moving_average_venue_is_plus_half_at_home_minus_half_away() {
    let home = ma(&features());
    let away = ma(&Features {
        home_away: 0.0,
        ..features()
    });
    assert_close(home.adjustments.home_away, 0.5);
    assert_close(home.points, 20.5);
    assert_close(away.adjustments.home_away, -0.5);
    assert_close(away.points, 19.5);
}

#[test]
fn moving_average_back_to_back_costs_a_point_and_a_half() {
    let b2b = ma(&Features {
        back_to_back: 1.0,
        ..features()
    });
    assert_close(b2b.adjustments.other, -1.5);
    assert_close(b2b.points, 19.0); // 20 + 0.5 − 1.5
    assert_close(ma(&features()).adjustments.other, 0.0);
}

#[test]
fn moving_average_is_clamped_to_0_60() {
    let high = ma(&Features {
        points_avg_last_5: 70.0,
        points_avg_last_10: 70.0,
        points_avg_season: 70.0,
        ..features()
    });
    // 70 + 0.5 = 70.5 → 60.
    assert_eq!(high.points, 60.0);
    let low = ma(&Features {
        points_avg_last_5: 1.0,
        points_avg_last_10: 1.0,
        points_avg_season: 1.0,
        fatigue_score: 0.0,
        shot_zone_mismatch_score: -10.0,
        home_away: 0.0,
        back_to_back: 1.0,
        ..features()
    });
    // 1 − 2.5 − 3 − 0.5 − 1.5 = −6.5 → 0.
    assert_eq!(low.points, 0.0);
    assert_close(low.adjustments.total(), -7.5);
}

#[test]
fn moving_average_adjustments_sum_to_prediction_minus_base() {
    let f = Features {
        points_avg_last_5: 20.0,
        points_avg_last_10: 18.0,
        points_avg_season: 16.0,
        fatigue_score: 60.0,
        shot_zone_mismatch_score: 4.0,
        pace_score: -1.0,
        usage_spike_score: 1.5,
        home_away: 0.0,
        back_to_back: 1.0,
        ..features()
    };
    let p = ma(&f);
    // Base 18.6; fatigue −1.0, mismatch +1.2, pace 18.6 · −1 / 200 = −0.093, usage +0.6,
    // away −0.5, b2b −1.5: total −1.293, so 17.307, rounded to 17.31.
    assert_adjustments(
        &p.adjustments,
        Adjustments {
            fatigue: -1.0,
            shot_zone: 1.2,
            pace: -0.093,
            usage_spike: 0.6,
            home_away: -0.5,
            other: -1.5,
        },
    );
    assert_close(p.points, 17.31);
    assert_close(p.adjustments.total(), -1.293);
    assert_eq!(p.confidence, volatility_confidence(&f));
}

// ---------------------------------------------------------------------------------------------
// The shared volatility confidence
// ---------------------------------------------------------------------------------------------

#[test]
fn volatility_confidence_branches_are_the_hand_computed_values() {
    // 0.5; −0.15 when std > 6, −0.08 when > 4; +0.10 with ≥ 3 games in 7 days, +0.05 with 2,
    // −0.10 otherwise. Rounded to 4 dp, so exact.
    for (std, games, expected) in [
        (6.5, 1.0, 0.25), // 0.5 − 0.15 − 0.10
        (6.5, 2.0, 0.40), // 0.5 − 0.15 + 0.05
        (6.5, 3.0, 0.45), // 0.5 − 0.15 + 0.10
        (6.0, 3.0, 0.52), // 6 is not above 6: 0.5 − 0.08 + 0.10
        (4.5, 2.0, 0.47), // 0.5 − 0.08 + 0.05
        (4.5, 1.0, 0.32), // 0.5 − 0.08 − 0.10
        (4.0, 3.0, 0.60), // 4 is not above 4: 0.5 + 0.10
        (4.0, 2.0, 0.55), // 0.5 + 0.05
        (0.0, 1.9, 0.40), // 1.9 games is fewer than 2: 0.5 − 0.10
        (0.0, 0.0, 0.40),
        (0.0, 5.0, 0.60),
    ] {
        let f = Features {
            points_std_last_10: std,
            games_in_last_7_days: games,
            ..features()
        };
        assert_eq!(
            volatility_confidence(&f),
            expected,
            "std {std}, {games} games"
        );
    }
}

#[test]
fn volatility_confidence_spans_0_25_to_0_60_inside_its_clamp() {
    // The clamp [0.2, 0.8] never binds: the extremes are 0.5 − 0.15 − 0.10 = 0.25 and
    // 0.5 + 0.10 = 0.60.
    let values: Vec<f64> = [0.0, 4.0, 5.0, 6.0, 7.0, 30.0]
        .iter()
        .flat_map(|&std| {
            [0.0, 1.0, 2.0, 3.0, 7.0].map(|games| {
                volatility_confidence(&Features {
                    points_std_last_10: std,
                    games_in_last_7_days: games,
                    ..features()
                })
            })
        })
        .collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!((min, max), (0.25, 0.60));
}

// ---------------------------------------------------------------------------------------------
// The gate
// ---------------------------------------------------------------------------------------------

#[test]
fn each_system_has_its_gate() {
    let gate = |min_edge, min_confidence| Gate {
        min_edge,
        min_confidence,
    };
    assert_eq!(SystemId::MovingAverage.gate(), gate(2.0, 0.46));
    assert_eq!(SystemId::ZoneMatchup.gate(), gate(2.0, 0.46));
    assert_eq!(SystemId::Similarity.gate(), gate(2.0, 0.65));
    assert_eq!(SystemId::Gbm.gate(), gate(1.5, 0.60));
    assert_eq!(SystemId::Ensemble.gate(), gate(1.5, 0.65));
}

#[test]
fn a_gate_calls_at_its_thresholds_and_passes_just_below_them() {
    for system in SystemId::ALL {
        let g = system.gate();
        let line = Some(20.0);
        // Edge and confidence exactly at the thresholds: a call, by the edge's sign.
        assert_eq!(g.recommend(20.0 + g.min_edge, g.min_confidence, line), Over);
        assert_eq!(
            g.recommend(20.0 - g.min_edge, g.min_confidence, line),
            Under
        );
        // A quarter point short of the edge, or a hundredth short of the confidence: PASS.
        assert_eq!(g.recommend(20.0 + g.min_edge - 0.25, 0.99, line), Pass);
        assert_eq!(g.recommend(20.0 - g.min_edge + 0.25, 0.99, line), Pass);
        assert_eq!(
            g.recommend(30.0, g.min_confidence - 0.01, line),
            Pass,
            "{system}"
        );
        // No line: NO_LINE whatever the prediction and confidence.
        for points in [0.0, 20.0, 60.0] {
            assert_eq!(g.recommend(points, 1.0, None), NoLine);
        }
    }
}

#[test]
fn moving_average_calls_from_confidence_0_46_and_an_edge_of_2() {
    // 0.5 · 40 + 0.5 at home = 20.5 points.
    let with = |std: f64, games: f64, line: Option<f64>| {
        let f = Features {
            points_avg_last_5: 40.0,
            points_avg_last_10: 0.0,
            points_avg_season: 0.0,
            points_std_last_10: std,
            games_in_last_7_days: games,
            ..features()
        };
        let p = moving_average::predict(&subject(&f, line));
        assert_close(p.points, 20.5);
        (p.confidence, p.recommendation)
    };
    // Confidence 0.45 (std 10, 3 games) never calls, even 10 points off the line.
    assert_eq!(with(10.0, 3.0, Some(10.5)), (0.45, Pass));
    assert_eq!(with(10.0, 3.0, Some(30.5)), (0.45, Pass));
    // Confidence 0.47 (std 5, 2 games) calls from an edge of 2.
    assert_eq!(with(5.0, 2.0, Some(18.5)), (0.47, Over));
    assert_eq!(with(5.0, 2.0, Some(22.5)), (0.47, Under));
    assert_eq!(with(5.0, 2.0, Some(18.75)), (0.47, Pass));
    assert_eq!(with(5.0, 2.0, Some(22.25)), (0.47, Pass));
    assert_eq!(with(3.0, 3.0, Some(18.5)), (0.60, Over));
}

#[test]
fn zone_matchup_calls_from_confidence_0_46_and_an_edge_of_2() {
    // Season 20 + 0.22 at home = 20.22 points.
    let with = |std: f64, games: f64, line: Option<f64>| {
        let f = Features {
            points_std_last_10: std,
            games_in_last_7_days: games,
            ..features()
        };
        let p = zone_matchup::predict(&subject(&f, line));
        assert_close(p.points, 20.22);
        assert_eq!(p.confidence, volatility_confidence(&f));
        (p.confidence, p.recommendation)
    };
    assert_eq!(with(10.0, 3.0, Some(10.0)), (0.45, Pass));
    assert_eq!(with(5.0, 2.0, Some(18.0)), (0.47, Over)); // edge 2.22
    assert_eq!(with(5.0, 2.0, Some(22.5)), (0.47, Under)); // edge −2.28
    assert_eq!(with(5.0, 2.0, Some(18.25)), (0.47, Pass)); // edge 1.97
}

#[test]
fn without_a_line_every_system_says_no_line() {
    let f = Features {
        points_avg_last_5: 40.0,
        points_avg_last_10: 40.0,
        points_avg_season: 40.0,
        ..features()
    };
    let s = subject(&f, None);
    let ma = moving_average::predict(&s);
    let zm = zone_matchup::predict(&s);
    let sim = similarity::predict(&s, &[past(NOW, 40.0); 10]).unwrap();
    let gbm = gbm_prediction(&s, 40.0);
    // Every one of them would call at a line of 20: MA 40.5 and ZM 40.44 at 0.60, similarity
    // 40 at 1.0 (ten matches +15, score 100 +20, std 0 +15), the gbm 40 at 0.90.
    assert_eq!((ma.confidence, zm.confidence), (0.6, 0.6));
    assert_eq!(sim.confidence, 1.0);
    assert_eq!(gbm.confidence, 0.9);
    for p in [&ma, &zm, &sim, &gbm] {
        assert_eq!(p.recommendation, NoLine, "{}", p.system);
        assert_eq!(
            p.system
                .gate()
                .recommend(p.points, p.confidence, Some(20.0)),
            Over,
            "{}",
            p.system
        );
    }
    let ens = ensemble::combine(&[ma, zm, sim, gbm], &Weights::default(), None);
    assert_eq!(ens.recommendation, NoLine);
}

// ---------------------------------------------------------------------------------------------
// Zone matchup
// ---------------------------------------------------------------------------------------------

/// The neutral player (20 a game) with shares paint 0.5, mid-range 0.2, threes 0.3 of his
/// attempts and 0.2 of his points from free throws, against a defence rated `above` points
/// above the league (115). Shares of his scoring: paint 0.8 · 0.5 = 0.4, mid 0.16, threes
/// 0.24, free throws 0.2; Σ share · m = 0.48 + 0.16 + 0.264 + 0.16 = 1.064.
fn zone_features(above: f64) -> Features {
    Features {
        opponent_def_rating: LEAGUE + above,
        pct_paint: 0.5,
        pct_mid_range: 0.2,
        pct_three: 0.3,
        pct_free_throw: 0.2,
        ..features()
    }
}

/// The four zone shares of the store.
const ZONE_SHARES: [&str; 4] = ["pct_paint", "pct_mid_range", "pct_three", "pct_free_throw"];

fn zone_with(f: &Features, defaults: Defaults) -> f64 {
    zone_matchup::zone_adjustment(&Subject {
        defaults,
        ..subject(f, None)
    })
}

#[test]
fn zone_matchup_weak_defence_adds_points_and_an_elite_one_subtracts() {
    // 11.5 above a league of 115 gives up 10 % more: 0.5 · 20 · 1.064 · 0.1 = 1.064.
    let weak = zm(&zone_features(11.5));
    assert_close(weak.adjustments.shot_zone, 1.064);
    assert_close(weak.points, 21.28); // 20 + 1.064 + 0.22 = 21.284
    let elite = zm(&zone_features(-11.5));
    assert_close(elite.adjustments.shot_zone, -1.064);
    assert_close(elite.points, 19.16); // 20 − 1.064 + 0.22 = 19.156
    let even = zm(&zone_features(0.0));
    assert_close(even.adjustments.shot_zone, 0.0);
    assert_close(even.points, 20.22);
}

#[test]
fn zone_matchup_weights_each_zone_by_the_players_share_of_it() {
    let f = zone_features(11.5);
    let shares = zone_matchup::zone_shares(&subject(&f, None));
    for (got, want) in shares.iter().zip([0.4, 0.16, 0.24, 0.2]) {
        assert_close(*got, want);
    }
    // One zone alone (every attempt there, no free throws): 0.5 · 20 · 1 · m · 0.1 = m.
    let only = |paint: f64, mid: f64, three: f64| {
        zone_with(
            &Features {
                pct_paint: paint,
                pct_mid_range: mid,
                pct_three: three,
                pct_free_throw: 0.0,
                ..f
            },
            Defaults::NONE,
        )
    };
    assert_close(only(1.0, 0.0, 0.0), 1.2);
    assert_close(only(0.0, 1.0, 0.0), 1.0);
    assert_close(only(0.0, 0.0, 1.0), 1.1);
    // A zone he never shoots from adds nothing: half paint, half threes = (1.2 + 1.1) / 2.
    assert_close(only(0.5, 0.0, 0.5), 1.15);
}

#[test]
fn zone_matchup_scales_with_the_players_scoring() {
    // The reference added the same points to a bench player and a star; now a 10-point scorer
    // gets half of what a 20-point scorer gets, and nobody is pushed below his own share.
    let at = |season: f64| {
        zone_with(
            &Features {
                points_avg_season: season,
                ..zone_features(11.5)
            },
            Defaults::NONE,
        )
    };
    assert_close(at(10.0), 0.532);
    assert_close(at(20.0), 1.064);
    assert_close(at(0.0), 0.0);
}

#[test]
fn zone_matchup_adds_nothing_for_default_zone_data() {
    // Every zone share a default: exactly 0, whatever the defence and the values the defaults
    // hold (the store's 0.30 / 0.20 / 0.35 / 0.15 included).
    let all = Defaults::of(&ZONE_SHARES);
    for above in [-30.0, -11.5, 0.0, 4.0, 11.5, 30.0] {
        for f in [
            zone_features(above),
            Features {
                pct_paint: 0.30,
                pct_mid_range: 0.20,
                pct_three: 0.35,
                pct_free_throw: 0.15,
                ..zone_features(above)
            },
        ] {
            assert_eq!(zone_with(&f, all), 0.0, "{above} above");
            let p = zone_matchup::predict(&Subject {
                defaults: all,
                ..subject(&f, None)
            });
            assert_eq!(p.adjustments.shot_zone, 0.0);
            assert_close(p.points, 20.22); // the season average and the venue alone
        }
    }
    // A default opponent rating is no matchup either, whatever the shares.
    assert_eq!(
        zone_with(&zone_features(11.5), Defaults::of(&["opponent_def_rating"])),
        0.0
    );
    // Shot zones default (no play-by-play), the free-throw share real: only the free throws
    // count, 0.5 · 20 · 0.2 · 0.8 · 0.1 = 0.16.
    let shots = Defaults::of(&ZONE_SHARES[..3]);
    assert_close(zone_with(&zone_features(11.5), shots), 0.16);
    // The free-throw share default: nothing from free throws and the attempts take the whole,
    // 0.5 · 20 · (0.6 + 0.2 + 0.33) · 0.1 = 1.13.
    let ft = Defaults::of(&["pct_free_throw"]);
    assert_close(zone_with(&zone_features(11.5), ft), 1.13);
    // Other features being defaults changes nothing.
    let other = Defaults::of(&["points_std_last_10", "team_pace"]);
    assert_close(zone_with(&zone_features(11.5), other), 1.064);
}

#[test]
fn zone_matchup_caps_each_zone_at_3_points() {
    // A 60-point scorer 28.75 above (25 %): paint 0.5 · 60 · 0.4 · 1.2 · 0.25 = 3.6 → 3, mid
    // 1.2, threes 1.98, free throws 1.2 = 7.38.
    let zone = |above: f64| {
        zone_with(
            &Features {
                points_avg_season: 60.0,
                ..zone_features(above)
            },
            Defaults::NONE,
        )
    };
    assert_close(zone(28.75), 7.38);
    assert_close(zone(-28.75), -7.38);
    // Far enough out every zone is capped: 4 · ±3.
    assert_close(zone(500.0), 12.0);
    assert_close(zone(-500.0), -12.0);
}

#[test]
fn zone_matchup_pivots_on_the_league_rating_not_a_fixed_110() {
    let with_league = |league: f64| {
        let f = Features {
            opponent_def_rating: 126.5,
            ..zone_features(0.0)
        };
        let s = Subject {
            league_def_rating: league,
            ..subject(&f, None)
        };
        zone_matchup::predict(&s)
    };
    // A rating equal to the league's: no zone adjustment.
    assert_close(with_league(126.5).adjustments.shot_zone, 0.0);
    // 126.5 against a league of 115 is 10 % worse: 1.064.
    assert_close(with_league(115.0).adjustments.shot_zone, 1.064);
    assert_close(with_league(115.0).points, 21.28);
    // … against a league of 110, 15 % worse: 1.596; against 138, 11.5 / 138 better.
    assert_close(with_league(110.0).adjustments.shot_zone, 1.596);
    assert_close(
        with_league(138.0).adjustments.shot_zone,
        -0.5 * 20.0 * 1.064 * 11.5 / 138.0,
    );
}

#[test]
fn zone_matchup_pace_venue_and_fatigue() {
    let p = zm(&Features {
        pace_score: 2.5,
        ..features()
    });
    // Pace scales the season average by the pace score over 200: 20 · 2.5 / 200.
    assert_close(p.adjustments.pace, 0.25);
    assert_close(p.points, 20.47);
    // The venue is 1.1 % of the season average: ±0.22 at 20, ±0.33 at 30.
    assert_close(p.adjustments.home_away, 0.22);
    let away = zm(&Features {
        home_away: 0.0,
        ..features()
    });
    assert_close(away.adjustments.home_away, -0.22);
    assert_close(away.points, 19.78);
    let star = zm(&Features {
        points_avg_season: 30.0,
        ..features()
    });
    assert_close(star.adjustments.home_away, 0.33);
    for (fatigue, penalty) in [
        (0.0, -1.5),
        (49.9, -1.5),
        (50.0, -0.8),
        (69.9, -0.8),
        (70.0, 0.0),
        (100.0, 0.0),
    ] {
        let p = zm(&Features {
            fatigue_score: fatigue,
            ..features()
        });
        assert_close(p.adjustments.fatigue, penalty);
        assert_close(p.points, 20.22 + penalty);
    }
    // The base is the season average alone; usage, back-to-back and mismatch play no part.
    let ignored = zm(&Features {
        points_avg_last_5: 40.0,
        points_avg_last_10: 40.0,
        usage_spike_score: 3.0,
        back_to_back: 1.0,
        shot_zone_mismatch_score: 10.0,
        ..features()
    });
    assert_close(ignored.points, 20.22);
    assert_adjustments(
        &ignored.adjustments,
        Adjustments {
            home_away: 0.22,
            ..Adjustments::default()
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Similarity
// ---------------------------------------------------------------------------------------------

/// The context of the neutral player: average defence, one day of rest, home, normal form.
const NOW: Context = Context {
    tier: Tier::Average,
    rest: Rest::OneDay,
    home: true,
    form: Form::Normal,
};

fn past(context: Context, points: f64) -> PastGame {
    PastGame { context, points }
}

fn sim(f: &Features, history: &[PastGame]) -> Prediction {
    similarity::predict(&subject(f, None), history).expect("enough similar games")
}

#[test]
fn similarity_tier_is_relative_to_the_league() {
    let tier = |rating: f64, league: f64| {
        let f = Features {
            opponent_def_rating: rating,
            ..features()
        };
        Context::of(&Subject {
            league_def_rating: league,
            ..subject(&f, None)
        })
        .tier
    };
    assert_eq!(tier(112.99, LEAGUE), Tier::Elite); // −2.01
    assert_eq!(tier(113.0, LEAGUE), Tier::Average); // −2 is not below −2
    assert_eq!(tier(117.99, LEAGUE), Tier::Average); // +2.99
    assert_eq!(tier(118.0, LEAGUE), Tier::Weak); // +3
                                                 // The same rating against another league.
    assert_eq!(tier(112.99, 100.0), Tier::Weak);
    assert_eq!(tier(112.99, 120.0), Tier::Elite);
    assert_eq!(Context::of(&subject(&features(), None)), NOW);
}

#[test]
fn similarity_rest_buckets_follow_the_store_days_rest() {
    let rest = |days: Option<i32>| {
        let f = features();
        Context::of(&Subject {
            days_rest: days,
            ..subject(&f, None)
        })
        .rest
    };
    assert_eq!(rest(Some(0)), Rest::BackToBack);
    assert_eq!(rest(Some(1)), Rest::BackToBack);
    assert_eq!(rest(Some(2)), Rest::OneDay);
    assert_eq!(rest(Some(3)), Rest::TwoDays);
    assert_eq!(rest(Some(4)), Rest::WellRested);
    assert_eq!(rest(Some(10)), Rest::WellRested);
    assert_eq!(rest(None), Rest::WellRested);
    // The back_to_back feature is not what the bucket reads.
    let f = Features {
        back_to_back: 1.0,
        ..features()
    };
    assert_eq!(Context::of(&subject(&f, None)).rest, Rest::OneDay);
}

#[test]
fn similarity_form_is_last_5_minus_season_and_venue_is_home_away() {
    let context = |last5: f64, home: f64| {
        let f = Features {
            points_avg_last_5: last5,
            points_avg_season: 20.0,
            home_away: home,
            ..features()
        };
        Context::of(&subject(&f, None))
    };
    assert_eq!(context(23.0, 1.0).form, Form::Hot); // +3
    assert_eq!(context(22.5, 1.0).form, Form::Normal);
    assert_eq!(context(17.0, 1.0).form, Form::Cold); // −3
    assert_eq!(context(17.5, 1.0).form, Form::Normal);
    assert!(context(20.0, 1.0).home);
    assert!(!context(20.0, 0.0).home);
}

#[test]
fn similarity_score_is_tier_40_rest_30_venue_15_form_15() {
    let c = |tier, rest, home, form| Context {
        tier,
        rest,
        home,
        form,
    };
    use Form::*;
    use Rest::*;
    use Tier::*;
    assert_eq!(NOW.score(&NOW), 100.0);
    // Tier: adjacent 20 instead of 40; two apart 0.
    assert_eq!(NOW.score(&c(Elite, OneDay, true, Normal)), 80.0);
    assert_eq!(NOW.score(&c(Weak, OneDay, true, Normal)), 80.0);
    assert_eq!(
        c(Elite, OneDay, true, Normal).score(&c(Weak, OneDay, true, Normal)),
        60.0
    );
    // Rest: adjacent 15 instead of 30; two or three buckets apart 0.
    assert_eq!(NOW.score(&c(Average, BackToBack, true, Normal)), 85.0);
    assert_eq!(NOW.score(&c(Average, TwoDays, true, Normal)), 85.0);
    assert_eq!(NOW.score(&c(Average, WellRested, true, Normal)), 70.0);
    assert_eq!(
        c(Average, BackToBack, true, Normal).score(&c(Average, WellRested, true, Normal)),
        70.0
    );
    // Venue 15 or nothing; form 15 or 5.
    assert_eq!(NOW.score(&c(Average, OneDay, false, Normal)), 85.0);
    assert_eq!(NOW.score(&c(Average, OneDay, true, Hot)), 90.0);
    assert_eq!(NOW.score(&c(Average, OneDay, true, Cold)), 90.0);
    // Everything different: only form's 5.
    assert_eq!(
        c(Elite, BackToBack, true, Hot).score(&c(Weak, WellRested, false, Cold)),
        5.0
    );
}

/// A context scoring `score` against [`NOW`] (for the scores used here).
fn scoring(score: u32) -> Context {
    match score {
        100 => NOW,
        90 => Context {
            form: Form::Hot,
            ..NOW
        },
        85 => Context { home: false, ..NOW },
        80 => Context {
            tier: Tier::Elite,
            ..NOW
        },
        70 => Context {
            rest: Rest::WellRested,
            ..NOW
        },
        // Elite (20) + two days (15) + venue 15 + form 15.
        65 => Context {
            tier: Tier::Elite,
            rest: Rest::TwoDays,
            ..NOW
        },
        // Elite (20) + well rested (0) + venue 15 + form 15.
        50 => Context {
            tier: Tier::Elite,
            rest: Rest::WellRested,
            ..NOW
        },
        _ => unreachable!("no context scoring {score}"),
    }
}

#[test]
fn similarity_keeps_scores_from_70_and_weights_the_baseline_by_similarity() {
    for s in [100, 90, 85, 80, 70, 65, 50] {
        assert_eq!(NOW.score(&scoring(s)), f64::from(s));
    }
    let history = [
        past(scoring(100), 30.0),
        past(scoring(65), 100.0), // below 70: ignored
        past(scoring(90), 20.0),
        past(scoring(85), 10.0),
        past(scoring(50), 100.0), // ignored
        past(scoring(80), 25.0),
        past(scoring(70), 15.0), // exactly 70: kept
    ];
    let p = sim(&features(), &history);
    // Σ points·s/100 = 30 + 18 + 8.5 + 20 + 10.5 = 87 over Σ s/100 = 4.25: 20.470588…
    let similar = p.similar.expect("similar games");
    assert_eq!(similar.count, 5);
    assert_close(similar.baseline, 20.47);
    assert_close(similar.avg_score, 85.0); // 425 / 5
    assert_close(similar.min_score, 70.0);
    // Neutral adjustments (no venue term): 20.470588… → 20.47.
    assert_close(p.points, 20.47);
    // Five matches −15, mean score 85 +20, matched points 30, 20, 10, 25, 15 have mean 20 and
    // population std √(250/5) = 7.07 → +3: 50 − 15 + 20 + 3 = 58.
    assert_eq!(p.confidence, 0.58);
    assert_eq!(p.system, SystemId::Similarity);
}

#[test]
fn similarity_needs_five_similar_games() {
    let mut history = vec![past(scoring(100), 20.0); 4];
    history.extend(vec![past(scoring(65), 20.0); 10]);
    assert_eq!(
        similarity::predict(&subject(&features(), None), &history).unwrap_err(),
        TooFewSimilar {
            found: 4,
            history: 14
        }
    );
    assert_eq!(
        similarity::predict(&subject(&features(), None), &[]).unwrap_err(),
        TooFewSimilar {
            found: 0,
            history: 0
        }
    );
    history.push(past(scoring(70), 20.0));
    assert_eq!(sim(&features(), &history).similar.unwrap().count, 5);
}

#[test]
fn similarity_keeps_the_20_most_similar_games() {
    // Five newer games at 90 with 100 points, then twenty at 100 with 20 points: the twenty
    // win, whatever the order.
    let mut history = vec![past(scoring(90), 100.0); 5];
    history.extend(vec![past(scoring(100), 20.0); 20]);
    let p = sim(&features(), &history);
    let similar = p.similar.unwrap();
    assert_eq!(similar.count, 20);
    assert_close(similar.baseline, 20.0);
    assert_close(similar.min_score, 100.0);
    // 20 matches +20, score 100 +20, std 0 +15: 105 → clamped to 1.0.
    assert_eq!(p.confidence, 1.0);
    history.reverse();
    assert_eq!(sim(&features(), &history), p);
}

#[test]
fn similarity_history_order_matters_only_among_equal_scores() {
    // Twenty-five games all scoring 100: the first twenty of the list (the newest) are kept.
    let mut history = vec![past(NOW, 10.0); 20];
    history.extend(vec![past(NOW, 40.0); 5]);
    assert_close(sim(&features(), &history).similar.unwrap().baseline, 10.0);
    history.reverse();
    // Five at 40 and fifteen at 10: 350 / 20 = 17.5.
    assert_close(sim(&features(), &history).similar.unwrap().baseline, 17.5);
}

#[test]
fn similarity_adjustments_each_alone() {
    // Five identical past games at home with 20 points: baseline 20. No venue and no fatigue
    // term: the matched games share the venue and rest, their points carry both.
    let none = Adjustments::default();
    let cases = [
        (features(), none),
        (
            Features {
                fatigue_score: 100.0,
                ..features()
            },
            none,
        ),
        (
            Features {
                fatigue_score: 40.0,
                ..features()
            },
            none,
        ),
        (
            Features {
                shot_zone_mismatch_score: 5.0,
                ..features()
            },
            Adjustments {
                shot_zone: 2.0, // 0.4 · 5
                ..none
            },
        ),
        (
            Features {
                pace_score: 2.0,
                ..features()
            },
            Adjustments {
                pace: 1.6, // 0.8 · 2
                ..none
            },
        ),
        (
            Features {
                usage_spike_score: -1.0,
                ..features()
            },
            Adjustments {
                usage_spike: -0.8, // 0.8 · −1
                ..none
            },
        ),
        (
            // Away: the past home games now score 85, still matched, baseline still 20.
            Features {
                home_away: 0.0,
                ..features()
            },
            none,
        ),
    ];
    for (f, expected) in cases {
        let p = sim(&f, &history_of_five());
        assert_adjustments(&p.adjustments, expected);
        assert_close(p.points, 20.0 + expected.total());
        assert_close(
            p.points - p.similar.unwrap().baseline,
            p.adjustments.total(),
        );
    }
}

fn history_of_five() -> Vec<PastGame> {
    vec![past(NOW, 20.0); 5]
}

#[test]
fn similarity_history_reaches_across_the_off_season_and_stays_before_the_date() {
    use backcourt::predictions::inputs::{InputRow, Inputs};
    use backcourt::predictions::kernel;
    use chrono::NaiveDate;
    // Thirty games last spring (every other day from 2024-03-01, 20 points each), then the
    // opener 2024-10-25 (99 points) and 2024-10-27 (50): the opener is ~200 days after the
    // last spring game, which the reference's 90-day window could not see.
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let row = |date: NaiveDate, points: f64| InputRow {
        player_lookup: "p".into(),
        game_date: date,
        game_id: format!("g{date}").into(),
        features: features(),
        defaults: Defaults::NONE,
        feature_quality: 95.0,
        days_rest: Some(2),
        line: None,
        actual_points: Some(points),
    };
    let mut rows: Vec<InputRow> = (0..30)
        .map(|k| row(day(2024, 3, 1) + chrono::Days::new(2 * k), 20.0))
        .collect();
    rows.push(row(day(2024, 10, 25), 99.0));
    rows.push(row(day(2024, 10, 27), 50.0));
    let inputs = Inputs::new(rows);
    let h = kernel::heuristics(&inputs, |_| true);
    let similar = |date: NaiveDate| {
        let i = inputs
            .rows
            .iter()
            .position(|r| r.game_date == date)
            .unwrap();
        h[i].as_ref().unwrap().similarity.clone()
    };
    // The opener: last spring's games, never its own 99 points or the later game's 50.
    let opener = similar(day(2024, 10, 25)).expect("history from last season");
    let games = opener.similar.unwrap();
    assert_eq!(games.count, 20);
    assert_close(games.baseline, 20.0);
    // Two days later the opener is the newest similar game and is used.
    let next = similar(day(2024, 10, 27))
        .expect("history")
        .similar
        .unwrap();
    assert_close(next.baseline, (99.0 + 19.0 * 20.0) / 20.0);
    // The first game has no earlier one.
    assert!(similar(day(2024, 3, 1)).is_err());
}

#[test]
fn similarity_confidence_branches() {
    use similarity::confidence;
    // Baseline: 5 matches −15, mean score 70 +10, std 8 −5: 40.
    assert_eq!(confidence(5, 70.0, 8.0), 0.40);
    // Matches: ≥ 7 +10, ≥ 10 +15, ≥ 15 +20, else −15.
    assert_eq!(confidence(6, 70.0, 8.0), 0.40);
    assert_eq!(confidence(7, 70.0, 8.0), 0.65);
    assert_eq!(confidence(9, 70.0, 8.0), 0.65);
    assert_eq!(confidence(10, 70.0, 8.0), 0.70);
    assert_eq!(confidence(14, 70.0, 8.0), 0.70);
    assert_eq!(confidence(15, 70.0, 8.0), 0.75);
    // Mean score: ≥ 85 +20, ≥ 75 +15, ≥ 70 +10, else +5.
    assert_eq!(confidence(5, 69.99, 8.0), 0.35);
    assert_eq!(confidence(5, 74.99, 8.0), 0.40);
    assert_eq!(confidence(5, 75.0, 8.0), 0.45);
    assert_eq!(confidence(5, 84.99, 8.0), 0.45);
    assert_eq!(confidence(5, 85.0, 8.0), 0.50);
    // Std: < 4 +15, < 6 +8, < 8 +3, else −5.
    assert_eq!(confidence(5, 70.0, 3.99), 0.60);
    assert_eq!(confidence(5, 70.0, 4.0), 0.53);
    assert_eq!(confidence(5, 70.0, 5.99), 0.53);
    assert_eq!(confidence(5, 70.0, 6.0), 0.48);
    assert_eq!(confidence(5, 70.0, 7.99), 0.48);
    // Clamped at 100: 50 + 20 + 20 + 15 = 105.
    assert_eq!(confidence(15, 85.0, 0.0), 1.0);
}

#[test]
fn similarity_calls_from_confidence_0_65_and_an_edge_of_2() {
    // Away, and the prediction is 20 from five past away games with 20 points (no venue
    // term; std 0, +15; five matches −15).
    let away = Features {
        home_away: 0.0,
        ..features()
    };
    let at = |past_context: Context, line: f64| {
        let history = vec![past(past_context, 20.0); 5];
        let p = similarity::predict(&subject(&away, Some(line)), &history).unwrap();
        assert_close(p.points, 20.0);
        (p.confidence, p.recommendation)
    };
    let same = Context { home: false, ..NOW };
    // Score 100 (+20): 0.70.
    assert_eq!(at(same, 17.5), (0.70, Over));
    assert_eq!(at(same, 22.5), (0.70, Under));
    assert_eq!(at(same, 18.25), (0.70, Pass));
    // Score 80 (+15): exactly 0.65 calls.
    let elite = Context {
        tier: Tier::Elite,
        ..same
    };
    assert_eq!(at(elite, 17.5), (0.65, Over));
    // Score 70 (+10): 0.60 never calls.
    let rested = Context {
        rest: Rest::WellRested,
        ..same
    };
    assert_eq!(at(rested, 17.5), (0.60, Pass));
    assert_eq!(at(rested, 5.0), (0.60, Pass));
}

// ---------------------------------------------------------------------------------------------
// Ensemble
// ---------------------------------------------------------------------------------------------

fn component(system: SystemId, points: f64, confidence: f64, rec: Recommendation) -> Prediction {
    Prediction {
        system,
        points,
        confidence,
        recommendation: rec,
        adjustments: Adjustments::default(),
        similar: None,
        agreement: None,
    }
}

/// The four components with `points`, one confidence and recommendation each.
fn four(points: [f64; 4], confidence: [f64; 4], recs: [Recommendation; 4]) -> Vec<Prediction> {
    ensemble::COMPONENTS
        .iter()
        .zip(points)
        .zip(confidence)
        .zip(recs)
        .map(|(((&s, p), c), r)| component(s, p, c, r))
        .collect()
}

const UNEVEN: Weights = Weights([0.4, 0.3, 0.2, 0.1]);

#[test]
fn similarity_is_retired_from_the_ensemble() {
    assert_eq!(ensemble::RETIRED, [SystemId::Similarity]);
    // Equal weights over the three others.
    let third = 1.0 / 3.0;
    assert_eq!(Weights::default(), Weights([third, third, 0.0, third]));
}

#[test]
fn weights_mean_renormalises_over_the_present_systems() {
    let all = [Some(10.0), Some(20.0), Some(30.0), Some(40.0)];
    // Similarity's 30 is never read: (4 + 6 + 4) / 0.8.
    assert_close(UNEVEN.mean(&all), 17.5);
    // Without the gbm: (4 + 6) / 0.7.
    assert_close(
        UNEVEN.mean(&[Some(10.0), Some(20.0), Some(30.0), None]),
        10.0 / 0.7,
    );
    assert_close(
        UNEVEN.mean(&[Some(10.0), Some(20.0), None, None]),
        10.0 / 0.7,
    );
    assert_close(Weights([1.0, 0.0, 0.0, 0.0]).mean(&all), 10.0);
    assert_close(Weights::default().mean(&all), 70.0 / 3.0);
}

#[test]
fn weights_mean_falls_back_to_the_plain_mean_when_the_present_weigh_nothing() {
    let w = Weights([0.0, 0.0, 0.5, 0.5]);
    assert_close(w.mean(&[Some(10.0), Some(20.0), None, None]), 15.0);
    // Similarity's weight counts for nothing and its prediction is not in the plain mean.
    assert_close(w.mean(&[Some(10.0), Some(20.0), Some(30.0), None]), 15.0);
}

#[test]
fn weights_fit_puts_all_weight_on_an_exact_system() {
    let actual = [10.0, 20.0, 30.0];
    // The moving average exact, the others over by 5, 3 and 10 points.
    let rows: Vec<[Option<f64>; 4]> = actual
        .iter()
        .map(|&y| [Some(y), Some(y + 5.0), Some(y + 3.0), Some(y + 10.0)])
        .collect();
    assert_eq!(Weights::fit(&rows, &actual), Weights([1.0, 0.0, 0.0, 0.0]));
    // The gbm exact.
    let rows: Vec<[Option<f64>; 4]> = actual
        .iter()
        .map(|&y| [Some(y + 4.0), Some(y + 2.0), Some(y + 6.0), Some(y)])
        .collect();
    assert_eq!(Weights::fit(&rows, &actual), Weights([0.0, 0.0, 0.0, 1.0]));
    // Similarity exact: retired, it still gets nothing; the moving average (1 over) wins.
    let rows: Vec<[Option<f64>; 4]> = actual
        .iter()
        .map(|&y| [Some(y + 1.0), Some(y + 5.0), Some(y), Some(y + 10.0)])
        .collect();
    assert_eq!(Weights::fit(&rows, &actual), Weights([1.0, 0.0, 0.0, 0.0]));
    assert_eq!(Weights::fit(&[], &[]), Weights::default());
}

#[test]
fn weights_fit_splits_evenly_between_opposite_errors() {
    // Moving average and zone matchup 2 points off in opposite directions, alternating; the
    // others 10 over. Only 0.5 / 0.5 is exact on both rows.
    let rows = [
        [Some(22.0), Some(18.0), Some(30.0), Some(30.0)],
        [Some(18.0), Some(22.0), Some(30.0), Some(30.0)],
    ];
    assert_eq!(
        Weights::fit(&rows, &[20.0, 20.0]),
        Weights([0.5, 0.5, 0.0, 0.0])
    );
}

#[test]
fn weights_fit_gives_no_weight_to_a_system_absent_from_validation() {
    // The gbm made no prediction on any validation row (no model yet): any weight on it
    // leaves the error unchanged, so it has not been validated and must not be handed weight
    // that would count once it does predict.
    let actual = [10.0, 20.0, 30.0];
    let rows: Vec<[Option<f64>; 4]> = actual
        .iter()
        .map(|&y| [Some(y + 1.0), Some(y + 5.0), None, None])
        .collect();
    let w = Weights::fit(&rows, &actual);
    assert_eq!(w, Weights([1.0, 0.0, 0.0, 0.0]));
    // So a later row with a wild gbm prediction is still the moving average's.
    assert_close(
        w.mean(&[Some(20.0), Some(25.0), Some(50.0), Some(90.0)]),
        20.0,
    );
}

#[test]
fn ensemble_prediction_is_the_weighted_mean_of_the_components_it_has() {
    let comps = four([20.0, 22.0, 18.0, 24.0], [0.6; 4], [Pass, Pass, Pass, Pass]);
    // Similarity retired: (0.4·20 + 0.3·22 + 0.1·24) / 0.8 = (8 + 6.6 + 2.4) / 0.8 = 21.25.
    let p = ensemble::combine(&comps, &UNEVEN, None);
    assert_close(p.points, 21.25);
    assert_eq!(p.system, SystemId::Ensemble);
    // The order the components come in does not matter.
    let mut reversed = comps.clone();
    reversed.reverse();
    assert_eq!(ensemble::combine(&reversed, &UNEVEN, None).points, p.points);
    // Without similarity: the same prediction, confidence and agreement.
    let no_sim: Vec<Prediction> = comps
        .iter()
        .filter(|c| c.system != SystemId::Similarity)
        .cloned()
        .collect();
    assert_eq!(ensemble::combine(&no_sim, &UNEVEN, None), p);
    // Without the gbm: (8 + 6.6) / 0.7.
    assert_close(
        ensemble::combine(&no_sim[..2], &UNEVEN, None).points,
        round2(14.6 / 0.7),
    );
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[test]
fn ensemble_confidence_is_the_mean_plus_spread_and_full_house_terms() {
    // Similarity (18, 0.7) left out: mean of 0.6, 0.5, 0.8 = 63.33; points 20, 22, 24 spread
    // √(8/3) = 1.63 → +10; all three live systems +5: 78.33.
    let comps = four([20.0, 22.0, 18.0, 24.0], [0.6, 0.5, 0.7, 0.8], [Pass; 4]);
    assert_eq!(
        ensemble::combine(&comps, &Weights::default(), None).confidence,
        0.7833
    );
    // Two components of confidence 0.5, 20 and `other` points: spread |other − 20| / 2.
    let two = |other: f64| {
        let comps = [
            component(SystemId::MovingAverage, 20.0, 0.5, Pass),
            component(SystemId::ZoneMatchup, other, 0.5, Pass),
        ];
        ensemble::combine(&comps, &Weights::default(), None).confidence
    };
    assert_eq!(two(23.98), 0.60); // spread 1.99: +10
    assert_eq!(two(24.0), 0.55); // 2.0: +5
    assert_eq!(two(25.98), 0.55); // 2.99: +5
    assert_eq!(two(26.0), 0.45); // 3.0: −5
    assert_eq!(two(31.98), 0.45); // 5.99: −5
    assert_eq!(two(32.0), 0.40); // 6.0: −10
                                 // Agreeing components: the first three are two live ones (similarity is retired), 50 + 10;
                                 // all four hold the three live ones, which add 5.
    let agreeing = four([20.0; 4], [0.5; 4], [Pass; 4]);
    assert_eq!(
        ensemble::combine(&agreeing[..3], &Weights::default(), None).confidence,
        0.60
    );
    assert_eq!(
        ensemble::combine(&agreeing, &Weights::default(), None).confidence,
        0.65
    );
}

#[test]
fn ensemble_confidence_is_clamped_to_0_20_0_95() {
    // 95 + 10 + 5 = 110 → 95.
    let sure = four([20.0; 4], [0.95; 4], [Pass; 4]);
    assert_eq!(
        ensemble::combine(&sure, &Weights::default(), None).confidence,
        0.95
    );
    // 20 − 10 (spread 10) = 10 → 20.
    let unsure = [
        component(SystemId::MovingAverage, 20.0, 0.2, Pass),
        component(SystemId::ZoneMatchup, 40.0, 0.2, Pass),
    ];
    assert_eq!(
        ensemble::combine(&unsure, &Weights::default(), None).confidence,
        0.20
    );
}

#[test]
fn ensemble_majority_of_calls_beats_the_edge_sign() {
    use SystemId::{Gbm, MovingAverage as Ma, Similarity as Sim, ZoneMatchup as Zm};
    let line = Some(20.0);
    let call = |points: f64, votes: &[(SystemId, Recommendation)], confidence: f64| {
        let comps: Vec<Prediction> = votes
            .iter()
            .map(|&(s, r)| component(s, points, confidence, r))
            .collect();
        let p = ensemble::combine(&comps, &Weights::default(), line);
        assert!(p.confidence >= 0.65, "{}", p.confidence);
        p.recommendation
    };
    // Three live systems at 22 (edge +2) with confidence 0.6: 60 + 10 + 5 = 0.75. Similarity's
    // vote never counts.
    let four_votes = |ma, zm, sim, gbm| [(Ma, ma), (Zm, zm), (Sim, sim), (Gbm, gbm)];
    assert_eq!(
        call(22.0, &four_votes(Under, Under, Over, Over), 0.6),
        Under
    );
    assert_eq!(call(22.0, &four_votes(Over, Under, Under, Pass), 0.6), Over); // no majority
    assert_eq!(call(22.0, &four_votes(Under, Pass, Under, Pass), 0.6), Over);
    // At 18 (edge −2).
    assert_eq!(call(18.0, &four_votes(Over, Over, Pass, Pass), 0.6), Over);
    assert_eq!(call(18.0, &four_votes(Over, Pass, Over, Pass), 0.6), Under);
    // Two live components (0.7: 70 + 10): both is a majority, one of two is not.
    assert_eq!(call(22.0, &[(Ma, Under), (Gbm, Under)], 0.7), Under);
    assert_eq!(call(22.0, &[(Ma, Under), (Zm, Over)], 0.7), Over);
    assert_eq!(call(18.0, &[(Ma, Over), (Zm, Under)], 0.7), Under);
}

#[test]
fn ensemble_passes_below_its_gate_whatever_the_votes() {
    let line = Some(20.0);
    let with = |points: f64, confidence: f64, line: Option<f64>| {
        let comps = four([points; 4], [confidence; 4], [Over; 4]);
        let p = ensemble::combine(&comps, &Weights::default(), line);
        (p.confidence, p.recommendation)
    };
    // Confidence 50 + 10 + 5 = 0.65, edge 1.5: a call.
    assert_eq!(with(21.5, 0.5, line), (0.65, Over));
    // Edge 1.25: PASS though every one said OVER.
    assert_eq!(with(21.25, 0.5, line), (0.65, Pass));
    // Confidence 49 + 15 = 0.64: PASS.
    assert_eq!(with(30.0, 0.49, line), (0.64, Pass));
    // No line: NO_LINE.
    assert_eq!(with(30.0, 0.9, None), (0.95, NoLine));
}

#[test]
fn ensemble_agreement_metadata() {
    let agreement = |points: &[f64]| {
        let comps: Vec<Prediction> = ensemble::COMPONENTS
            .iter()
            .zip(points)
            .map(|(&s, &p)| component(s, p, 0.6, Pass))
            .collect();
        let a = ensemble::combine(&comps, &Weights::default(), None)
            .agreement
            .expect("agreement");
        (a.spread, a.score, a.kind)
    };
    // Similarity's (third) prediction plays no part.
    assert_eq!(agreement(&[20.0, 20.0, 50.0, 20.0]), (0.0, 95.0, "high"));
    // Population std of 19, 22, 25: √6 = 2.449.
    assert_eq!(agreement(&[19.0, 22.0, 0.0, 25.0]), (2.45, 85.0, "good"));
    assert_eq!(agreement(&[16.0, 24.0]), (4.0, 70.0, "moderate"));
    assert_eq!(agreement(&[14.0, 26.0]), (6.0, 70.0, "low")); // 100 − 5·6
    assert_eq!(agreement(&[12.0, 28.0]), (8.0, 60.0, "low")); // 100 − 5·8
    assert_eq!(agreement(&[8.0, 32.0]), (12.0, 50.0, "low")); // max(50, 40)

    // Component weights, renormalised over the components present, sum to 1; similarity is
    // never listed.
    let comps = four([20.0, 22.0, 18.0, 24.0], [0.6; 4], [Pass; 4]);
    let a = ensemble::combine(&comps, &UNEVEN, None).agreement.unwrap();
    // 0.4, 0.3, 0.1 over 0.8.
    assert_eq!(
        a.components,
        vec![
            (SystemId::MovingAverage, 20.0, 0.5),
            (SystemId::ZoneMatchup, 22.0, 0.375),
            (SystemId::Gbm, 24.0, 0.125),
        ]
    );
    assert_close(a.components.iter().map(|c| c.2).sum::<f64>(), 1.0);
    // A component of weight 0 is not listed; with no weight on any present, equal weights.
    let a = ensemble::combine(&comps, &Weights([0.5, 0.5, 0.0, 0.0]), None)
        .agreement
        .unwrap();
    assert_eq!(
        a.components,
        vec![
            (SystemId::MovingAverage, 20.0, 0.5),
            (SystemId::ZoneMatchup, 22.0, 0.5),
        ]
    );
    let p = ensemble::combine(&comps[..2], &Weights([0.0, 0.0, 0.5, 0.5]), None);
    assert_close(p.points, 21.0);
    assert_eq!(
        p.agreement.unwrap().components,
        vec![
            (SystemId::MovingAverage, 20.0, 0.5),
            (SystemId::ZoneMatchup, 22.0, 0.5),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The trained model's confidence
// ---------------------------------------------------------------------------------------------

fn gbm(quality: f64, std: f64, points: f64, line: Option<f64>) -> Prediction {
    let f = Features {
        points_std_last_10: std,
        ..features()
    };
    gbm_prediction(
        &Subject {
            feature_quality: quality,
            ..subject(&f, line)
        },
        points,
    )
}

#[test]
fn gbm_confidence_steps_on_quality_and_volatility() {
    // 0.70 + quality (≥ 90 0.10, ≥ 80 0.07, ≥ 70 0.05, ≥ 60 0.02) + std (< 4 0.10, < 6 0.07,
    // < 8 0.05, else 0.02). A std of 3 adds 0.10.
    for (quality, expected) in [
        (100.0, 0.90),
        (90.0, 0.90),
        (89.9, 0.87),
        (80.0, 0.87),
        (79.9, 0.85),
        (70.0, 0.85),
        (69.9, 0.82),
        (60.0, 0.82),
        (59.9, 0.80),
        (0.0, 0.80),
    ] {
        assert_eq!(
            gbm(quality, 3.0, 20.0, None).confidence,
            expected,
            "quality {quality}"
        );
    }
    // Quality 50 adds nothing.
    for (std, expected) in [
        (0.0, 0.80),
        (3.99, 0.80),
        (4.0, 0.77),
        (5.99, 0.77),
        (6.0, 0.75),
        (7.99, 0.75),
        (8.0, 0.72),
        (30.0, 0.72),
    ] {
        assert_eq!(gbm(50.0, std, 20.0, None).confidence, expected, "std {std}");
    }
    let p = gbm(95.0, 3.0, 23.4, None);
    assert_eq!((p.system, p.points), (SystemId::Gbm, 23.4));
}

#[test]
fn gbm_calls_from_an_edge_of_1_5_at_its_lowest_confidence() {
    // The lowest confidence is 0.72, above the gate's 0.60: the edge alone decides.
    let rec = |points: f64, line: Option<f64>| gbm(0.0, 30.0, points, line).recommendation;
    assert_eq!(gbm(0.0, 30.0, 20.0, None).confidence, 0.72);
    assert_eq!(rec(21.5, Some(20.0)), Over);
    assert_eq!(rec(18.5, Some(20.0)), Under);
    assert_eq!(rec(21.25, Some(20.0)), Pass);
    assert_eq!(rec(18.75, Some(20.0)), Pass);
    assert_eq!(rec(40.0, None), NoLine);
}
