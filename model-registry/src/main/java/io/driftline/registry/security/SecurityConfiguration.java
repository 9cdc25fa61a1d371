package io.driftline.registry.security;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Who may call what. Roles nest: admin includes operator, operator includes viewer (see
 * {@link Role#grantedAuthorities()}); a device is
 * none of them and reaches only its own desired state, reported state and artefacts (the resources
 * check the device id).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  /**
   * Leaves Spring Security's filters, authentication and authorization out of Micrometer
   * observations: with them on, every request ran about ten extra observations (one per filter),
   * a fifth of the CPU of an artefact download. Requests are still timed as a whole
   * ({@code http.server.requests}).
   */
  @Bean
  SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  /**
   * Answers a request the firewall refuses (encoded dots or slashes, say) as problem+json like
   * every other refusal, rather than as a bare 400.
   */
  @Bean
  RequestRejectedHandler requestRejectedHandler(ProblemResponses problems) {
    return (request, response, rejected) -> problems.write(request, response, 400, "Bad Request",
        "the request was refused: " + rejected.getMessage());
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http, TokenAuthenticator authenticator, ProblemResponses problems)
      throws Exception {
    http.csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(new BearerTokenFilter(authenticator, problems), AnonymousAuthenticationFilter.class)
        .exceptionHandling(e -> e
            .authenticationEntryPoint((req, res, ex) -> problems.write(req, res, 401, "Unauthorized",
                "this endpoint needs 'Authorization: Bearer <token>'"))
            .accessDeniedHandler((req, res, ex) -> problems.write(req, res, 403, "Forbidden",
                "this token's role may not do this")))
        .authorizeHttpRequests(a -> a
            .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                "/actuator/info", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
                "/error").permitAll()
            .requestMatchers(GET, "/api/v1/signing-key").permitAll()
            // the console's static files; everything they show comes from the API with the user's token
            .requestMatchers(GET, "/console", "/console/", "/console/*.html", "/console/*.js", "/console/*.css",
                "/console/*.svg").permitAll()
            .requestMatchers(GET, "/console/api/**").hasRole("VIEWER")
            .requestMatchers(POST, "/console/api/**").hasRole("OPERATOR")
            .requestMatchers(GET, "/api/v1/me").authenticated()
            .requestMatchers(GET, "/api/v1/devices/*", "/api/v1/devices/*/desired-state",
                "/api/v1/artefacts/*").hasAnyRole("VIEWER", "DEVICE")
            .requestMatchers(PUT, "/api/v1/devices/*/reported-state").hasAnyRole("OPERATOR", "DEVICE")
            .requestMatchers(DELETE, "/api/v1/devices/*").hasRole("ADMIN")
            .requestMatchers("/api/v1/audit", "/api/v1/audit/**").hasRole("ADMIN")
            .requestMatchers(GET, "/api/v1/**").hasRole("VIEWER")
            .requestMatchers("/api/v1/**").hasRole("OPERATOR")
            .anyRequest().denyAll());
    return http.build();
  }
}
