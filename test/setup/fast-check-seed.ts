import fc from 'fast-check';

// A fixed seed keeps CI reproducible; IPT_LINT_FC_SEED=random explores new inputs, a number replays a run.
const requested = process.env.IPT_LINT_FC_SEED;
if (requested !== 'random') fc.configureGlobal({ seed: requested === undefined ? 20261126 : Number(requested) });
