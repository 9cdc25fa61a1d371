package io.driftline.teacher.fleet;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The teacher's view of the semantic catalog: the adaptor budget a device's current student leaves. */
public final class CatalogClient {

  private final JsonHttp http;

  /** Creates a client for the catalog at {@code baseUrl}. */
  public CatalogClient(String baseUrl, Duration timeout) {
    this.http = new JsonHttp("catalog", baseUrl, null, timeout);
  }

  /**
   * A device's adaptor budget under its current student, as the catalog's matchmaking computes it.
   *
   * @param deviceId the device
   * @param student its current student, {@code name:version}
   * @param maxAdaptorBytes the largest adaptor it can store
   * @param maxAdaptorMacs the adaptor compute per frame it can afford
   * @param precisions the precisions it runs
   */
  public record DeviceBudget(
      String deviceId, String student, long maxAdaptorBytes, long maxAdaptorMacs, List<String> precisions) {}

  /**
   * The device's budget, or empty if the catalog does not know the device, or knows no current
   * student or budget for it (for example a revoked device).
   */
  public Optional<DeviceBudget> budget(String deviceId) throws FleetCallException {
    HttpResponse<byte[]> response = http.send(
        http.request("/catalog/match/devices/" + JsonHttp.segment(deviceId)).GET(), "matchmaking for " + deviceId);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw http.failure(response, "matchmaking for " + deviceId);
    }
    JsonNode m = JsonHttp.JSON.readTree(response.body());
    JsonNode student = m.path("currentStudent");
    JsonNode budget = m.path("currentBudget");
    if (m.path("revoked").asBoolean(false) || !student.isObject() || !budget.isObject()) {
      return Optional.empty();
    }
    List<String> precisions = new ArrayList<>();
    budget.path("precisions").forEach(p -> precisions.add(p.asString()));
    return Optional.of(new DeviceBudget(deviceId, student.path("name").asString() + ":" + student.path("version").asLong(),
        budget.path("maxAdaptorBytes").asLong(), budget.path("maxAdaptorMacs").asLong(), List.copyOf(precisions)));
  }
}
