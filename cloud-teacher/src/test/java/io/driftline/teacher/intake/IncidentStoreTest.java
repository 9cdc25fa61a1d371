package io.driftline.teacher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftIncident.State;
import io.driftline.core.hdc.Hypervector;
import io.driftline.testsupport.RealPostgres;
import io.driftline.testsupport.TestDatabase;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The incident store against a real PostgreSQL database: dedupe and monotonic states. */
@RealPostgres
class IncidentStoreTest {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  static IncidentStore store;

  @BeforeAll
  static void migrate(TestDatabase database) {
    MigratedDatabase db = MigratedDatabase.of(database);
    store = new IncidentStore(db.jdbc, db.transactions);
  }

  static DriftIncident incident(String id, State state, long lastWindow, @Nullable String group) {
    return new DriftIncident(id, "cam-" + id, state, "page-hinkley", "oodScore.mean", 10 + lastWindow, T0,
        T0.plusSeconds(lastWindow), 100, lastWindow, null, group);
  }

  @Test
  void aFirstEventStoresTheIncidentAndAReplayChangesNothing() {
    Hypervector signature = new Hypervector(70, new long[] {0x0123456789abcdefL, 0x2aL});
    DriftIncident open = new DriftIncident("inc-a", "cam-a", State.OPEN, "adwin", "meanEntropy", 3.5, T0,
        T0.plusSeconds(5), 100, 104, signature, "group-1");

    Optional<IncidentChange> first = store.apply(open);

    assertThat(first).hasValueSatisfying(change -> {
      assertThat(change.previousState()).isNull();
      assertThat(change.stateChanged()).isTrue();
      assertThat(change.incident()).isEqualTo(open);
    });
    assertThat(store.find("inc-a")).contains(open);
    assertThat(store.apply(open)).isEmpty();
  }

  @Test
  void statesOnlyMoveForwardAndEndedIncidentsStayEnded() {
    assertThat(store.apply(incident("inc-b", State.OPEN, 110, null))).isPresent();

    IncidentChange adapting = store.apply(incident("inc-b", State.ADAPTING, 112, null)).orElseThrow();
    assertThat(adapting.previousState()).isEqualTo(State.OPEN);
    assertThat(adapting.incident().state()).isEqualTo(State.ADAPTING);
    assertThat(adapting.incident().statisticValue()).isEqualTo(122);

    // A late OPEN of an older window is stale.
    assertThat(store.apply(incident("inc-b", State.OPEN, 111, null))).isEmpty();
    // The same state with a newer window is progress, not a state change.
    IncidentChange progress = store.apply(incident("inc-b", State.OPEN, 115, null)).orElseThrow();
    assertThat(progress.previousState()).isEqualTo(State.ADAPTING);
    assertThat(progress.stateChanged()).isFalse();
    assertThat(progress.incident().state()).isEqualTo(State.ADAPTING);
    assertThat(progress.incident().lastWindowSeq()).isEqualTo(115);

    IncidentChange recovered = store.apply(incident("inc-b", State.RECOVERED, 120, null)).orElseThrow();
    assertThat(recovered.previousState()).isEqualTo(State.ADAPTING);
    assertThat(store.apply(incident("inc-b", State.FAILED, 120, null))).isEmpty();
    assertThat(store.apply(incident("inc-b", State.ADAPTING, 119, null))).isEmpty();
    IncidentChange later = store.apply(incident("inc-b", State.CLOSED, 125, null)).orElseThrow();
    assertThat(later.incident().state()).isEqualTo(State.RECOVERED);
    assertThat(later.incident().lastWindowSeq()).isEqualTo(125);
    assertThat(store.find("inc-b").orElseThrow().state()).isEqualTo(State.RECOVERED);
  }

  @Test
  void anIncidentSeenFirstInALaterStateStillNeverMovesBack() {
    assertThat(store.apply(incident("inc-c", State.ADAPTING, 130, null))).isPresent();

    assertThat(store.apply(incident("inc-c", State.OPEN, 130, null))).isEmpty();
    assertThat(store.find("inc-c").orElseThrow().state()).isEqualTo(State.ADAPTING);
  }

  @Test
  void incidentsWithoutAGroupFormTheirOwnGroup() {
    store.apply(incident("inc-d1", State.OPEN, 140, "group-d"));
    store.apply(incident("inc-d2", State.OPEN, 141, "group-d"));
    store.apply(incident("inc-e", State.OPEN, 140, null));

    assertThat(store.byGroup("group-d")).extracting(DriftIncident::incidentId).containsExactly("inc-d1", "inc-d2");
    assertThat(store.byGroup("inc-e")).singleElement().satisfies(i -> assertThat(i.groupId()).isEqualTo("inc-e"));
    assertThat(store.byGroup("no-such-group")).isEmpty();
    assertThat(store.find("no-such-incident")).isEmpty();
  }

  @Test
  void pagesRunNewestOpeningFirstFilteredByDeviceAndStateWithoutRepeats() {
    for (int i = 0; i < 5; i++) {
      store.apply(new DriftIncident("inc-page-" + i, "pager", i == 3 ? State.ADAPTING : State.OPEN, "adwin",
          "meanEntropy", 1.0 + i, T0.plusSeconds(60L * i), T0.plusSeconds(60L * i), 10L * i, 10L * i + 3, null, null));
    }
    store.apply(incident("inc-page-other", State.OPEN, 150, null));

    IncidentStore.Page first = store.page(null, "pager", null, 2);
    IncidentStore.Page second = store.page(null, "pager", first.nextCursor(), 2);
    IncidentStore.Page third = store.page(null, "pager", second.nextCursor(), 2);

    assertThat(first.items()).extracting(DriftIncident::incidentId).containsExactly("inc-page-4", "inc-page-3");
    assertThat(second.items()).extracting(DriftIncident::incidentId).containsExactly("inc-page-2", "inc-page-1");
    assertThat(third.items()).extracting(DriftIncident::incidentId).containsExactly("inc-page-0");
    assertThat(third.nextCursor()).isNull();
    assertThat(store.page(State.ADAPTING, "pager", null, 10).items()).extracting(DriftIncident::incidentId)
        .containsExactly("inc-page-3");
    assertThatThrownBy(() -> store.page(null, null, "not-a-cursor", 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cursor");
  }
}
