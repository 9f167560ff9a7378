/**
 * The pipeline engine (SPEC §6): definitions kept as {@code pipelines/NAME.json} in a team's
 * {@code _config.git} ({@link dev.flowstage.hooks.pipeline.ConfigPipelineStore}, checked by
 * {@link dev.flowstage.hooks.pipeline.PipelineValidator}), promotions built and applied atomically by
 * {@link dev.flowstage.hooks.pipeline.Promoter}, and runs admitted ({@code RunAdmission}), executed in
 * per-pipeline order ({@code RunQueue}, {@code RunExecutor}), finished by review decisions
 * ({@code ReviewOutcomes}) and recovered at start-up ({@code RunRecovery}), all wired together behind the
 * facade {@link dev.flowstage.hooks.pipeline.PipelineEngine}, whose one entry point for every trigger is
 * {@link dev.flowstage.hooks.pipeline.PipelineRunner#deploy}.
 *
 * <p>Wiring: one {@code PipelineEngine} per server; register it with the {@code ReviewService}
 * ({@code addListener}) and among the {@code MainMovedListener}s, call {@code start()} once the stores
 * are open (start-up recovery) and {@code close()} on shutdown.
 */
package dev.flowstage.hooks.pipeline;
