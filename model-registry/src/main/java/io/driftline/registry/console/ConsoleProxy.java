package io.driftline.registry.console;

import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Forwards the console's calls to the cloud teacher ({@code /console/api/teacher/<path>} to
 * {@code <teacher-url>/api/v1/<path>}, with the configured teacher token) and to the semantic
 * catalog ({@code /console/api/catalog/<path>} to {@code <catalog-url>/catalog/<path>}). The
 * security configuration has already checked the console user's own token: any role may read, only
 * operators and admins may POST. Answers of the services pass through; a service that is not
 * configured answers 503, one that cannot be reached, times out or refuses the registry's token
 * 502, always as problem+json saying which service and what to do.
 */
@RestController
@RequestMapping("/console/api")
class ConsoleProxy {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleProxy.class);
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._:~@-]{1,200}");
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_ANSWER = 8 * 1024 * 1024;

  private final RegistryProperties.Console settings;
  private final HttpClient client;

  ConsoleProxy(RegistryProperties properties) {
    this.settings = properties.console();
    checkUrl("teacher-url", settings.teacherUrl());
    checkUrl("catalog-url", settings.catalogUrl());
    this.client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @GetMapping("/{service}/**")
  ResponseEntity<byte[]> get(@PathVariable String service, HttpServletRequest request) {
    return forward(upstream(service), request, null);
  }

  @PostMapping("/{service}/**")
  ResponseEntity<byte[]> post(@AuthenticationPrincipal Caller caller, @PathVariable String service,
      HttpServletRequest request) throws IOException {
    Upstream upstream = upstream(service);
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      throw RegistryException.badRequest("a console request body may be at most " + MAX_BODY + " bytes");
    }
    LOG.info("console proxy {} POST {} actor={}", upstream.name(), path(service, request), caller.name());
    return forward(upstream, request, body);
  }

  private Upstream upstream(String service) {
    return switch (service) {
      case "teacher" -> new Upstream("teacher", "cloud teacher", "teacher-url", settings.teacherUrl(), "/api/v1/",
          settings.teacherToken());
      case "catalog" -> new Upstream("catalog", "semantic catalog", "catalog-url", settings.catalogUrl(), "/catalog/", "");
      default -> throw RegistryException.notFound("no console service '" + service + "'; teacher or catalog");
    };
  }

  private ResponseEntity<byte[]> forward(Upstream upstream, HttpServletRequest request, byte @Nullable [] body) {
    if (upstream.baseUrl().isBlank()) {
      throw new ConsoleServiceException(HttpStatus.SERVICE_UNAVAILABLE, upstream.name() + " not configured",
          "the " + upstream.name() + " is not configured: set driftline.registry.console." + upstream.setting());
    }
    String base = upstream.baseUrl().endsWith("/")
        ? upstream.baseUrl().substring(0, upstream.baseUrl().length() - 1) : upstream.baseUrl();
    String target = base + upstream.prefix() + path(upstream.key(), request)
        + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    URI uri;
    try {
      uri = URI.create(target);
    } catch (IllegalArgumentException e) {
      throw RegistryException.badRequest("the console request's query cannot be forwarded: " + e.getMessage());
    }
    HttpRequest.Builder call = HttpRequest.newBuilder(uri).timeout(settings.timeout())
        .header("Accept", "application/json");
    if (!upstream.token().isBlank()) {
      call.header("Authorization", "Bearer " + upstream.token());
    }
    if (body == null) {
      call.GET();
    } else {
      call.header("Content-Type", MediaType.APPLICATION_JSON_VALUE).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
    // The request timeout of the JDK client ends when the headers arrive; waiting on the future
    // bounds the whole call, body included, and cancelling it aborts the exchange.
    CompletableFuture<HttpResponse<byte @Nullable []>> pending = client.sendAsync(call.build(), ConsoleProxy::bounded);
    HttpResponse<byte @Nullable []> answer;
    try {
      answer = pending.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw unreachable(upstream, base, "no answer within " + seconds(settings.timeout()));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String why = cause instanceof HttpTimeoutException ? "no answer within " + seconds(settings.timeout())
          : cause instanceof ConnectException ? "connection refused"
          : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      throw unreachable(upstream, base, why);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw unreachable(upstream, base, "interrupted");
    }
    byte[] bytes = answer.body();
    if (bytes == null || bytes.length > MAX_ANSWER) {
      throw new ConsoleServiceException(HttpStatus.BAD_GATEWAY, upstream.name() + " answer too large",
          "the " + upstream.name() + " answered more than " + MAX_ANSWER + " bytes; ask for a smaller page");
    }
    if (answer.statusCode() == 401 || answer.statusCode() == 403) {
      throw new ConsoleServiceException(HttpStatus.BAD_GATEWAY, upstream.name() + " refused the registry",
          "the " + upstream.name() + " answered " + answer.statusCode() + " to the registry's token: check "
              + "driftline.registry.console.teacher-token (an OPERATOR token of the teacher for retries)");
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(answer.headers().firstValue("Content-Type").orElse(MediaType.APPLICATION_JSON_VALUE));
    } catch (InvalidMediaTypeException e) {
      type = MediaType.APPLICATION_OCTET_STREAM;
    }
    return ResponseEntity.status(answer.statusCode()).contentType(type).body(bytes);
  }

  /** Fails at start on a URL the proxy could not call, rather than on the console's first request. */
  private static void checkUrl(String setting, String url) {
    if (url.isBlank()) {
      return;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("driftline.registry.console." + setting + " '" + url + "' is not a URL", e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getQuery() != null) {
      throw new IllegalArgumentException("driftline.registry.console." + setting + " '" + url
          + "' must be an http(s) URL with a host and no query, e.g. http://localhost:8081");
    }
  }

  /** Reads an answer whole, or discards one that announces more than {@value #MAX_ANSWER} bytes (null). */
  private static HttpResponse.BodySubscriber<byte @Nullable []> bounded(HttpResponse.ResponseInfo info) {
    if (info.headers().firstValueAsLong("Content-Length").orElse(0) > MAX_ANSWER) {
      return HttpResponse.BodySubscribers.replacing(null);
    }
    return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> bytes);
  }

  /** The part of the request path after {@code /console/api/<service>/}, each segment checked. */
  private static String path(String service, HttpServletRequest request) {
    String prefix = "/console/api/" + service + "/";
    String raw = request.getRequestURI().substring(Math.min(prefix.length(), request.getRequestURI().length()));
    List<String> segments = new ArrayList<>();
    for (String segment : raw.split("/", -1)) {
      String decoded = URLDecoder.decode(segment, StandardCharsets.UTF_8);
      if (!SEGMENT.matcher(decoded).matches() || decoded.equals(".") || decoded.equals("..")) {
        throw RegistryException.badRequest("console proxy path segment '" + segment
            + "' is not allowed (letters, digits and . _ : ~ @ - only; no empty, . or .. segments)");
      }
      segments.add(URLEncoder.encode(decoded, StandardCharsets.UTF_8).replace("%3A", ":").replace("%40", "@"));
    }
    return String.join("/", segments);
  }

  private static ConsoleServiceException unreachable(Upstream upstream, String base, String why) {
    LOG.warn("console proxy: {} at {} unreachable: {}", upstream.name(), base, why);
    return new ConsoleServiceException(HttpStatus.BAD_GATEWAY, upstream.name() + " unreachable",
        "the " + upstream.name() + " at " + base + " is unreachable (" + why + "); check that it runs and "
            + "driftline.registry.console." + upstream.setting());
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private record Upstream(String key, String name, String setting, String baseUrl, String prefix, String token) {}
}
