package io.driftline.teacher.api;

import io.driftline.teacher.config.TeacherProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer tokens for {@code /api/**}: a {@code VIEWER} token reads, an {@code OPERATOR} token also
 * triggers and retries jobs. Tokens are compared by their SHA-256 in constant time; the token
 * itself is never logged (its configured name is). Health and metrics stay open.
 */
@Component
class ApiTokenFilter extends OncePerRequestFilter {

  private static final Logger LOG = LoggerFactory.getLogger(ApiTokenFilter.class);

  private record Known(String name, TeacherProperties.Role role, byte[] sha256) {}

  private final List<Known> tokens;

  ApiTokenFilter(TeacherProperties properties) {
    this.tokens = properties.security().tokens().stream().map(ApiTokenFilter::known).toList();
  }

  private static Known known(TeacherProperties.Token t) {
    if (t.name() == null || t.name().isBlank() || t.role() == null) {
      throw new IllegalArgumentException("driftline.teacher.security.tokens: every token needs a name and a role");
    }
    if (t.sha256() != null && !t.sha256().isBlank()) {
      if (!t.sha256().matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException("driftline.teacher.security.tokens: sha256 of token '" + t.name()
            + "' must be 64 hex digits");
      }
      return new Known(t.name(), t.role(), HexFormat.of().parseHex(t.sha256().toLowerCase(Locale.ROOT)));
    }
    if (t.token() == null || t.token().isBlank()) {
      throw new IllegalArgumentException("driftline.teacher.security.tokens: token '" + t.name() + "' needs sha256 or token");
    }
    return new Known(t.name(), t.role(), sha256(t.token()));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    Known caller = header != null && header.startsWith("Bearer ") ? match(header.substring(7).trim()) : null;
    if (caller == null) {
      problem(response, 401, "Unauthorized", header == null
          ? "send an API token as 'Authorization: Bearer <token>'" : "the API token is not known");
      return;
    }
    boolean reads = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
    if (!reads && caller.role() != TeacherProperties.Role.OPERATOR) {
      LOG.info("token {} ({}) refused {} {}", caller.name(), caller.role(), request.getMethod(), request.getRequestURI());
      problem(response, 403, "Forbidden", "token '" + caller.name() + "' is a " + caller.role()
          + " token; triggering and retrying jobs needs an OPERATOR token");
      return;
    }
    request.setAttribute("driftline.caller", caller.name());
    chain.doFilter(request, response);
  }

  private @Nullable Known match(String token) {
    byte[] hash = sha256(token);
    Known found = null;
    for (Known k : tokens) {
      if (MessageDigest.isEqual(k.sha256(), hash)) {
        found = k;
      }
    }
    return found;
  }

  private static void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json");
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    String body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
        + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
