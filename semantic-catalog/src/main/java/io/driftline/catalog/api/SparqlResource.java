package io.driftline.catalog.api;

import io.driftline.catalog.sparql.SparqlResult;
import io.driftline.catalog.sparql.SparqlService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read-only SPARQL endpoint: {@code GET /sparql?query=...} or {@code POST /sparql} with a form
 * field {@code query} or an {@code application/sparql-query} body. Request parameters named
 * {@code $var} bind the variable {@code ?var} to their value (see {@link SparqlService#query}).
 */
@RestController
class SparqlResource {

  /** Header naming the LIMIT the endpoint imposed, when it lowered or added one. */
  static final String LIMIT_HEADER = "Driftline-Result-Limit";

  private final SparqlService sparql;
  private final Timer timer;

  SparqlResource(SparqlService sparql, MeterRegistry meters) {
    this.sparql = sparql;
    this.timer = Timer.builder("driftline.catalog.sparql").register(meters);
  }

  @GetMapping("/sparql")
  ResponseEntity<byte[]> get(@RequestParam(required = false) @Nullable String query,
      @RequestParam Map<String, String> parameters) {
    return answer(query, parameters);
  }

  @PostMapping(value = "/sparql", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  ResponseEntity<byte[]> postForm(@RequestParam(required = false) @Nullable String query,
      @RequestParam Map<String, String> parameters) {
    return answer(query, parameters);
  }

  @PostMapping(value = "/sparql", consumes = "application/sparql-query")
  ResponseEntity<byte[]> postQuery(@RequestBody String query, @RequestParam Map<String, String> parameters) {
    return answer(query, parameters);
  }

  private ResponseEntity<byte[]> answer(@Nullable String query, Map<String, String> parameters) {
    if (query == null) {
      throw new IllegalArgumentException("the 'query' parameter is missing; send a SPARQL query");
    }
    Map<String, String> bindings = new LinkedHashMap<>();
    parameters.forEach((name, value) -> {
      if (name.startsWith("$")) {
        bindings.put(name.substring(1), value);
      }
    });
    SparqlResult result = timer.record(() -> sparql.query(query, bindings));
    var response = ResponseEntity.ok().contentType(MediaType.parseMediaType(result.mediaType()));
    if (result.limitApplied() != null) {
      response.header(LIMIT_HEADER, String.valueOf(result.limitApplied()));
    }
    return response.body(result.body());
  }
}
