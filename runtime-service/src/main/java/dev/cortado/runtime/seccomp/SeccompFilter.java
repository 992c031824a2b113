package dev.cortado.runtime.seccomp;

import dev.cortado.shim.plan.InitPlan;

/**
 * A container's seccomp policy both ways: as the profile (for config.json) and as the compiled
 * program the init loads.
 */
public record SeccompFilter(SeccompProfile profile, InitPlan.Seccomp plan) {
}
