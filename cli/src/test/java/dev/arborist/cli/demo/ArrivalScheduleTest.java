package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
    private static PromptPool prompts;

    @BeforeAll
    static void loadPrompts() throws IOException {
        prompts = PromptPool.from(Path.of("../models/arborist-moe-6x8/eval.txt"));
    }

    private static List<ArrivalSchedule.Arrival> all(Traffic traffic, double rate, int seconds, long seed) {
        ArrivalSchedule schedule = new ArrivalSchedule(prompts, traffic, rate, Duration.ofSeconds(seconds), seed);
        List<ArrivalSchedule.Arrival> arrivals = new ArrayList<>();
        for (ArrivalSchedule.Arrival a = schedule.next(); a != null; a = schedule.next()) {
            arrivals.add(a);
        }
        return arrivals;
    }

    @Test
    @DisplayName("one seed offers the same requests at the same offsets, bursts included: the agent and its baselines see one load")
    void sameSeedSameLoad() {
        List<ArrivalSchedule.Arrival> first = all(Scenario.LOAD_STEP, 6.95, 180, 7);
        List<ArrivalSchedule.Arrival> again = all(Scenario.LOAD_STEP, 6.95, 180, 7);
        List<ArrivalSchedule.Arrival> otherSeed = all(Scenario.LOAD_STEP, 6.95, 180, 8);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first).extracting(ArrivalSchedule.Arrival::atSeconds).isSorted().allSatisfy(t -> assertThat(t).isBetween(0.0, 180.0));
    }

    @Test
    @DisplayName("the load follows the scenario: the step doubles the offered rate between a quarter and three quarters of the run")
    void loadFollowsTheScenario() {
        for (ArrivalSchedule.Arrival a : all(Scenario.LOAD_STEP, 5, 400, 3)) {
            double base = a.atSeconds() >= 100 && a.atSeconds() < 300 ? 10 : 5;
            assertThat(a.offeredRate()).as("offered rate at %.1f s", a.atSeconds())
                    .isIn(base, base * ArrivalSchedule.BURST_FACTOR);
        }
    }

    @Test
    @DisplayName("bursts take a sixth of the time (enter 1/15 per second, leave 1/3), so the mean rate is 1.1x the scenario's")
    void burstsAtTheirStationaryShare() {
        int seconds = 20_000;
        List<ArrivalSchedule.Arrival> arrivals = all(Scenario.STEADY, 5, seconds, 11);
        double burstShare = ArrivalSchedule.BURST_START / (ArrivalSchedule.BURST_START + ArrivalSchedule.BURST_END);
        double bursting = arrivals.stream().filter(a -> a.offeredRate() > 5).count() / (double) arrivals.size();

        assertThat(arrivals.size() / (double) seconds).isCloseTo(5 * (1 + burstShare * (ArrivalSchedule.BURST_FACTOR - 1)), within(0.1));
        // arrivals during bursts: the time share weighted by their 1.6x rate
        double arrivalShare = burstShare * ArrivalSchedule.BURST_FACTOR / (1 + burstShare * (ArrivalSchedule.BURST_FACTOR - 1));
        assertThat(bursting).isCloseTo(arrivalShare, within(0.02));
    }
}
