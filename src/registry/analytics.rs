//! The Phase 3 analytics tables (`nba_analytics`), following
//! `spec/reference-phase3.md`: player_game_summary §3.1, team_offense_game_summary
//! §4.1, team_defense_game_summary §5.1, upcoming_player_game_context §6 and
//! upcoming_team_game_context §7, with the downstream reads of §8. Date columns
//! and grains follow `spec/reference-ops.md` §0; upstream edges follow its §2.1.
//!
//! Conventions shared by the five tables:
//! - NUMERIC columns are `Double`; ARRAY<STRING> and JSON columns (`quality_issues`,
//!   `data_sources`, `data_quality_issues`, `quality_metadata`) are `Varchar`
//!   holding JSON text.
//! - Every source-tracking prefix `P` has four columns: `P_last_updated`,
//!   `P_rows_found`, `P_completeness_pct` and `P_hash` (§1 item 4).
//! - The standard quality block (§1, "Standard quality columns") is `quality_tier`,
//!   `quality_score`, `quality_issues`, `data_sources`, `quality_sample_size`,
//!   `quality_used_fallback`, `quality_reconstructed`, `quality_calculated_at`,
//!   `quality_metadata`, with `is_production_ready` and `data_quality_issues`.

use super::{
    bounds, columns, sql_file, Dataset, Model, Producer, ReadWindow, RowsRule, TableDef, TableId,
};

pub(super) fn def(id: TableId) -> &'static TableDef {
    TABLES
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not an analytics table"))
}

static TABLES: &[TableDef] = &[
    TableDef {
        id: TableId::PlayerGameSummary,
        dataset: Dataset::NbaAnalytics,
        name: "player_game_summary",
        doc: "one row per player who played in a game: box score, shot zones, prop result",
        date_column: Some("game_date"),
        grain: &["player_lookup", "game_id"],
        columns: columns![
            // Identifiers
            player_lookup: Varchar, universal_player_id: Varchar, player_full_name: Varchar,
            game_id: Varchar, game_date: Date, team_abbr: Varchar, opponent_team_abbr: Varchar,
            season_year: Integer,
            // Box score (minutes_played is decimal minutes, not the reference's integer)
            points: Integer, minutes_played: Double, assists: Integer,
            offensive_rebounds: Integer, defensive_rebounds: Integer, steals: Integer,
            blocks: Integer, turnovers: Integer, personal_fouls: Integer, plus_minus: Integer,
            fg_attempts: Integer, fg_makes: Integer, three_pt_attempts: Integer,
            three_pt_makes: Integer, ft_attempts: Integer, ft_makes: Integer,
            // Shot zones
            paint_attempts: Integer, paint_makes: Integer, mid_range_attempts: Integer,
            mid_range_makes: Integer, paint_blocks: Integer, mid_range_blocks: Integer,
            three_pt_blocks: Integer, and1_count: Integer,
            // Shot creation
            assisted_fg_makes: Integer, unassisted_fg_makes: Integer,
            // Efficiency
            usage_rate: Double, ts_pct: Double, efg_pct: Double, starter_flag: Boolean,
            win_flag: Boolean,
            // Props
            points_line: Double, over_under_result: Varchar, margin: Double,
            opening_line: Double, line_movement: Double, opening_line_source: Varchar,
            points_line_source: Varchar,
            // Availability
            is_active: Boolean, player_status: Varchar,
            // Source tracking
            source_nbac_last_updated: Timestamp, source_nbac_rows_found: Integer,
            source_nbac_completeness_pct: Double, source_nbac_hash: Varchar,
            source_bdl_last_updated: Timestamp, source_bdl_rows_found: Integer,
            source_bdl_completeness_pct: Double, source_bdl_hash: Varchar,
            source_bbd_last_updated: Timestamp, source_bbd_rows_found: Integer,
            source_bbd_completeness_pct: Double, source_bbd_hash: Varchar,
            source_nbac_pbp_last_updated: Timestamp, source_nbac_pbp_rows_found: Integer,
            source_nbac_pbp_completeness_pct: Double, source_nbac_pbp_hash: Varchar,
            source_odds_last_updated: Timestamp, source_odds_rows_found: Integer,
            source_odds_completeness_pct: Double, source_odds_hash: Varchar,
            source_bp_last_updated: Timestamp, source_bp_rows_found: Integer,
            source_bp_completeness_pct: Double, source_bp_hash: Varchar,
            // Quality
            data_quality_tier: Varchar, primary_source_used: Varchar,
            processed_with_issues: Boolean, shot_zones_estimated: Boolean,
            quality_tier: Varchar, quality_score: Double, quality_issues: Varchar,
            data_sources: Varchar, quality_sample_size: Integer, quality_used_fallback: Boolean,
            quality_reconstructed: Boolean, quality_calculated_at: Timestamp,
            quality_metadata: Varchar, is_production_ready: Boolean, data_quality_issues: Varchar,
            // Meta
            data_hash: Varchar, created_at: Timestamp, processed_at: Timestamp,
        ],
        upstream: &[
            TableId::NbacGamebookPlayerStats,
            TableId::BdlPlayerBoxscores,
            TableId::BigdataballPlayByPlay,
            TableId::NbacPlayByPlay,
            TableId::OddsApiPlayerPointsProps,
            TableId::BettingprosPlayerPointsProps,
            TableId::NbacTeamBoxscore,
            TableId::NbaPlayersRegistry,
            TableId::PlayerAliases,
            TableId::NbacSchedule,
            // Tip-off times where the schedule has none (the pre-tip line cutoff).
            TableId::OddsApiGameLines,
            // The rosters: the candidates feed names are resolved against.
            TableId::EspnTeamRosters,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_analytics", "player_game_summary"),
            reads: ReadWindow::SameDate,
            rows: RowsRule::PlayersPlaying,
        }),
        bounds: bounds![minutes_played: 0..=70, ts_pct: 0..=1.5, efg_pct: 0..=1.5, quality_score: 0..=100],
        clustering: &[
            "universal_player_id",
            "player_lookup",
            "team_abbr",
            "game_date",
        ],
    },
    TableDef {
        id: TableId::TeamOffenseGameSummary,
        dataset: Dataset::NbaAnalytics,
        name: "team_offense_game_summary",
        doc: "one row per team per game (two per game): offense, shot zones, pace, rating",
        date_column: Some("game_date"),
        grain: &["game_id", "team_abbr"],
        columns: columns![
            // Identifiers
            game_id: Varchar, nba_game_id: Varchar, game_date: Date, team_abbr: Varchar,
            opponent_team_abbr: Varchar, season_year: Integer,
            // Box score
            points_scored: Integer, fg_attempts: Integer, fg_makes: Integer,
            three_pt_attempts: Integer, three_pt_makes: Integer, ft_attempts: Integer,
            ft_makes: Integer, rebounds: Integer, assists: Integer, turnovers: Integer,
            personal_fouls: Integer,
            // Zones
            team_paint_attempts: Integer, team_paint_makes: Integer,
            team_mid_range_attempts: Integer, team_mid_range_makes: Integer,
            points_in_paint_scored: Integer, second_chance_points_scored: Integer,
            // Advanced
            offensive_rating: Double, pace: Double, possessions: Integer, ts_pct: Double,
            // Context
            home_game: Boolean, win_flag: Boolean, margin_of_victory: Integer,
            overtime_periods: Integer,
            // Placeholders
            players_inactive: Integer, starters_inactive: Integer, referee_crew_id: Varchar,
            // Source tracking
            source_nbac_boxscore_last_updated: Timestamp, source_nbac_boxscore_rows_found: Integer,
            source_nbac_boxscore_completeness_pct: Double, source_nbac_boxscore_hash: Varchar,
            source_play_by_play_last_updated: Timestamp, source_play_by_play_rows_found: Integer,
            source_play_by_play_completeness_pct: Double, source_play_by_play_hash: Varchar,
            // Quality
            data_quality_tier: Varchar, shot_zones_available: Boolean, shot_zones_source: Varchar,
            primary_source_used: Varchar, processed_with_issues: Boolean,
            quality_tier: Varchar, quality_score: Double, quality_issues: Varchar,
            data_sources: Varchar, quality_sample_size: Integer, quality_used_fallback: Boolean,
            quality_reconstructed: Boolean, quality_calculated_at: Timestamp,
            quality_metadata: Varchar, is_production_ready: Boolean, data_quality_issues: Varchar,
            // Meta
            data_hash: Varchar, created_at: Timestamp, processed_at: Timestamp,
        ],
        upstream: &[
            TableId::NbacSchedule,
            TableId::NbacTeamBoxscore,
            TableId::NbacGamebookPlayerStats,
            TableId::BdlPlayerBoxscores,
            TableId::BigdataballPlayByPlay,
            TableId::NbacPlayByPlay,
            TableId::PlayerAliases,
            TableId::NbaPlayersRegistry,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_analytics", "team_offense_game_summary"),
            reads: ReadWindow::SameDate,
            rows: RowsRule::TeamsPlaying,
        }),
        bounds: bounds![ts_pct: 0..=1.5, quality_score: 0..=100],
        clustering: &["team_abbr", "game_date", "home_game"],
    },
    TableDef {
        id: TableId::TeamDefenseGameSummary,
        dataset: Dataset::NbaAnalytics,
        name: "team_defense_game_summary",
        doc: "one row per defending team per game: what the opponent scored, by zone",
        date_column: Some("game_date"),
        grain: &["game_id", "defending_team_abbr"],
        columns: columns![
            // Identifiers
            game_id: Varchar, game_date: Date, defending_team_abbr: Varchar,
            opponent_team_abbr: Varchar, season_year: Integer,
            // Allowed
            points_allowed: Integer, opp_fg_attempts: Integer, opp_fg_makes: Integer,
            opp_three_pt_attempts: Integer, opp_three_pt_makes: Integer, opp_ft_attempts: Integer,
            opp_ft_makes: Integer, opp_rebounds: Integer, opp_assists: Integer,
            turnovers_forced: Integer, fouls_committed: Integer,
            // Zones
            opp_paint_attempts: Integer, opp_paint_makes: Integer, opp_mid_range_attempts: Integer,
            opp_mid_range_makes: Integer, points_in_paint_allowed: Integer,
            mid_range_points_allowed: Integer, three_pt_points_allowed: Integer,
            second_chance_points_allowed: Integer, fast_break_points_allowed: Integer,
            // Defensive actions
            blocks_paint: Integer, blocks_mid_range: Integer, blocks_three_pt: Integer,
            steals: Integer, defensive_rebounds: Integer,
            // Advanced
            defensive_rating: Double, opponent_pace: Double, opponent_ts_pct: Double,
            // Context
            home_game: Boolean, win_flag: Boolean, margin_of_victory: Integer,
            overtime_periods: Integer,
            // Placeholders
            players_inactive: Integer, starters_inactive: Integer, referee_crew_id: Varchar,
            // Quality
            data_quality_tier: Varchar, primary_source_used: Varchar,
            processed_with_issues: Boolean,
            quality_tier: Varchar, quality_score: Double, quality_issues: Varchar,
            data_sources: Varchar, quality_sample_size: Integer, quality_used_fallback: Boolean,
            quality_reconstructed: Boolean, quality_calculated_at: Timestamp,
            quality_metadata: Varchar, is_production_ready: Boolean, data_quality_issues: Varchar,
            // Source tracking
            source_team_boxscore_last_updated: Timestamp, source_team_boxscore_rows_found: Integer,
            source_team_boxscore_completeness_pct: Double, source_team_boxscore_hash: Varchar,
            source_gamebook_players_last_updated: Timestamp,
            source_gamebook_players_rows_found: Integer,
            source_gamebook_players_completeness_pct: Double,
            source_gamebook_players_hash: Varchar,
            source_bdl_players_last_updated: Timestamp, source_bdl_players_rows_found: Integer,
            source_bdl_players_completeness_pct: Double, source_bdl_players_hash: Varchar,
            // Meta
            data_hash: Varchar, processed_at: Timestamp, created_at: Timestamp,
        ],
        // The opponent's offence is read from team_offense_game_summary (formulas live once).
        upstream: &[
            TableId::TeamOffenseGameSummary,
            TableId::NbacTeamBoxscore,
            TableId::NbacGamebookPlayerStats,
            TableId::BdlPlayerBoxscores,
            TableId::BigdataballPlayByPlay,
            TableId::PlayerAliases,
            TableId::NbaPlayersRegistry,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_analytics", "team_defense_game_summary"),
            reads: ReadWindow::SameDate,
            rows: RowsRule::TeamsPlaying,
        }),
        bounds: bounds![quality_score: 0..=100],
        clustering: &["defending_team_abbr", "game_date", "data_quality_tier"],
    },
    TableDef {
        id: TableId::UpcomingPlayerGameContext,
        dataset: Dataset::NbaAnalytics,
        name: "upcoming_player_game_context",
        doc: "one row per expected player per game, as known before tip-off (lines, rest, form)",
        date_column: Some("game_date"),
        grain: &["player_lookup", "game_id"],
        columns: columns![
            // Identifiers
            player_lookup: Varchar, universal_player_id: Varchar, game_id: Varchar,
            game_date: Date, team_abbr: Varchar, opponent_team_abbr: Varchar,
            has_prop_line: Boolean,
            // Player prop line
            current_points_line: Double, opening_points_line: Double, line_movement: Double,
            current_points_line_source: Varchar, opening_points_line_source: Varchar,
            // Game spread
            game_spread: Double, opening_spread: Double, spread_movement: Double,
            game_spread_source: Varchar, spread_public_betting_pct: Double,
            // Game total
            game_total: Double, opening_total: Double, total_movement: Double,
            game_total_source: Varchar, total_public_betting_pct: Double,
            // Pre-game context
            pace_differential: Double, opponent_pace_last_10: Double,
            game_start_time_local: Varchar, opponent_ft_rate_allowed: Double,
            home_game: Boolean, back_to_back: Boolean, season_phase: Varchar,
            projected_usage_rate: Double,
            // Fatigue
            days_rest: Integer, days_rest_before_last_game: Integer,
            days_since_2_plus_days_rest: Integer, games_in_last_7_days: Integer,
            games_in_last_14_days: Integer, minutes_in_last_7_days: Integer,
            minutes_in_last_14_days: Integer, avg_minutes_per_game_last_7: Double,
            back_to_backs_last_14_days: Integer, avg_usage_rate_last_7_games: Double,
            fourth_quarter_minutes_last_7: Integer, clutch_minutes_last_7_games: Integer,
            // Travel
            travel_miles: Integer, time_zone_changes: Integer, consecutive_road_games: Integer,
            miles_traveled_last_14_days: Integer, time_zones_crossed_last_14_days: Integer,
            // Player
            player_age: Integer,
            // Recent performance (the l5/l10 sample columns are computed by the reference
            // but missing from its DDL, §6.3)
            points_avg_last_5: Double, points_avg_last_10: Double,
            l5_games_used: Integer, l5_sample_quality: Varchar,
            l10_games_used: Integer, l10_sample_quality: Varchar,
            prop_over_streak: Integer, prop_under_streak: Integer, star_teammates_out: Integer,
            opponent_def_rating_last_10: Double, shooting_pct_decline_last_5: Double,
            fourth_quarter_production_last_7: Double,
            // Forward-looking schedule
            next_game_days_rest: Integer, games_in_next_7_days: Integer,
            next_opponent_win_pct: Double, next_game_is_primetime: Boolean,
            // Opponent asymmetry
            opponent_days_rest: Integer, opponent_games_in_next_7_days: Integer,
            opponent_next_game_days_rest: Integer,
            // Injury report
            player_status: Varchar, injury_report: Varchar, questionable_teammates: Integer,
            probable_teammates: Integer,
            // Source tracking
            source_boxscore_last_updated: Timestamp, source_boxscore_rows_found: Integer,
            source_boxscore_completeness_pct: Double, source_boxscore_hash: Varchar,
            source_schedule_last_updated: Timestamp, source_schedule_rows_found: Integer,
            source_schedule_completeness_pct: Double, source_schedule_hash: Varchar,
            source_props_last_updated: Timestamp, source_props_rows_found: Integer,
            source_props_completeness_pct: Double, source_props_hash: Varchar,
            source_game_lines_last_updated: Timestamp, source_game_lines_rows_found: Integer,
            source_game_lines_completeness_pct: Double, source_game_lines_hash: Varchar,
            // Quality
            data_quality_tier: Varchar, primary_source_used: Varchar,
            processed_with_issues: Boolean,
            quality_tier: Varchar, quality_score: Double, quality_issues: Varchar,
            data_sources: Varchar, quality_sample_size: Integer, quality_used_fallback: Boolean,
            quality_reconstructed: Boolean, quality_calculated_at: Timestamp,
            quality_metadata: Varchar,
            // Completeness (§6.4)
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            l5_completeness_pct: Double, l5_is_complete: Boolean,
            l10_completeness_pct: Double, l10_is_complete: Boolean,
            l7d_completeness_pct: Double, l7d_is_complete: Boolean,
            l14d_completeness_pct: Double, l14d_is_complete: Boolean,
            l30d_completeness_pct: Double, l30d_is_complete: Boolean,
            all_windows_complete: Boolean,
            // Meta
            data_hash: Varchar, context_version: Integer, created_at: Timestamp,
            processed_at: Timestamp,
        ],
        // Player history comes from player_game_summary and the game's lines, rest and travel
        // from upcoming_team_game_context (one implementation of each).
        upstream: &[
            TableId::PlayerGameSummary,
            TableId::TeamOffenseGameSummary,
            TableId::UpcomingTeamGameContext,
            TableId::NbacSchedule,
            TableId::OddsApiPlayerPointsProps,
            TableId::BettingprosPlayerPointsProps,
            // The gamebook's listing: the candidates prop names are resolved against.
            TableId::NbacGamebookPlayerStats,
            TableId::BdlPlayerBoxscores,
            TableId::EspnTeamRosters,
            TableId::NbacInjuryReport,
            TableId::NbaPlayersRegistry,
            TableId::PlayerAliases,
            // Tip-off times where the schedule has none (the information cutoff).
            TableId::OddsApiGameLines,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_analytics", "upcoming_player_game_context"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::PlayersPlaying,
        }),
        bounds: bounds![quality_score: 0..=100, completeness_percentage: 0..=100],
        clustering: &["player_lookup", "universal_player_id", "game_date"],
    },
    TableDef {
        id: TableId::UpcomingTeamGameContext,
        dataset: Dataset::NbaAnalytics,
        name: "upcoming_team_game_context",
        doc: "one row per team per scheduled game (two per game): rest, lines, injuries, momentum",
        date_column: Some("game_date"),
        grain: &["team_abbr", "game_id"],
        columns: columns![
            // Business keys
            team_abbr: Varchar, game_id: Varchar, game_date: Date, season_year: Integer,
            // Game context
            opponent_team_abbr: Varchar, home_game: Boolean, is_back_to_back: Boolean,
            days_since_last_game: Integer, game_number_in_season: Integer,
            // Fatigue
            team_days_rest: Integer, team_back_to_back: Boolean, games_in_last_7_days: Integer,
            games_in_last_14_days: Integer,
            // Betting
            game_spread: Double, game_total: Double, game_spread_source: Varchar,
            game_total_source: Varchar, spread_movement: Double, total_movement: Double,
            betting_lines_updated_at: Timestamp,
            // Personnel
            starters_out_count: Integer, questionable_players_count: Integer,
            // Momentum
            team_win_streak_entering: Integer, team_loss_streak_entering: Integer,
            last_game_margin: Integer, last_game_result: Varchar,
            // Travel
            travel_miles: Integer,
            // Source tracking
            source_nbac_schedule_last_updated: Timestamp, source_nbac_schedule_rows_found: Integer,
            source_nbac_schedule_completeness_pct: Double, source_nbac_schedule_hash: Varchar,
            source_odds_lines_last_updated: Timestamp, source_odds_lines_rows_found: Integer,
            source_odds_lines_completeness_pct: Double, source_odds_lines_hash: Varchar,
            source_injury_report_last_updated: Timestamp, source_injury_report_rows_found: Integer,
            source_injury_report_completeness_pct: Double, source_injury_report_hash: Varchar,
            // Early season
            early_season_flag: Boolean, insufficient_data_reason: Varchar,
            // Quality
            quality_tier: Varchar, quality_score: Double, quality_issues: Varchar,
            data_sources: Varchar, quality_sample_size: Integer, quality_used_fallback: Boolean,
            quality_reconstructed: Boolean, quality_calculated_at: Timestamp,
            quality_metadata: Varchar,
            // Completeness (§7.2)
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            l7d_completeness_pct: Double, l7d_is_complete: Boolean,
            l14d_completeness_pct: Double, l14d_is_complete: Boolean,
            all_windows_complete: Boolean,
            // Meta
            data_hash: Varchar, processed_at: Timestamp, created_at: Timestamp,
        ],
        // player_game_summary tells regular starters from the rest (starters_out_count).
        upstream: &[
            TableId::NbacSchedule,
            TableId::OddsApiGameLines,
            TableId::NbacInjuryReport,
            TableId::TravelDistances,
            TableId::PlayerGameSummary,
            TableId::NbaPlayersRegistry,
            TableId::PlayerAliases,
            // Box scores and rosters: the listing injury-report names are
            // resolved against; the props: tip-off where the schedule has none.
            TableId::NbacGamebookPlayerStats,
            TableId::BdlPlayerBoxscores,
            TableId::EspnTeamRosters,
            TableId::OddsApiPlayerPointsProps,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_analytics", "upcoming_team_game_context"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::TeamsPlaying,
        }),
        bounds: bounds![quality_score: 0..=100, completeness_percentage: 0..=100],
        clustering: &["game_date", "team_abbr", "game_id"],
    },
];
