package io.driftline.registry.api;

import io.driftline.registry.model.Artefact;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.security.Caller;
import io.driftline.registry.store.ArtefactStore;
import io.driftline.registry.store.DeviceStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;

/** Uploads and downloads artefacts as streams. */
@RestController
@RequestMapping("/api/v1/artefacts")
@Tag(name = "artefacts", description = "Content-addressed artefact bytes (SHA-256), validated on upload")
class ArtefactResource {

  private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
  private static final String SENDFILE_FILENAME = "org.apache.tomcat.sendfile.filename";
  private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
  private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";

  private static final String IMMUTABLE =
      CacheControl.maxAge(Duration.ofDays(365)).cachePrivate().immutable().getHeaderValue();

  private final ArtefactStore artefacts;
  private final DeviceStore devices;
  private final Counter uploaded;
  private final Counter downloaded;

  ArtefactResource(ArtefactStore artefacts, DeviceStore devices, MeterRegistry meters) {
    this.artefacts = artefacts;
    this.devices = devices;
    this.uploaded = Counter.builder("driftline.registry.artefacts.uploaded").register(meters);
    this.downloaded = Counter.builder("driftline.registry.artefacts.downloaded").register(meters);
  }

  @PostMapping(consumes = MediaType.ALL_VALUE)
  @Operation(summary = "Upload an artefact (the raw bytes as the body)",
      description = "Content-Type application/onnx (a student: ONNX Runtime must load it and it must have "
          + "the student signature), application/vnd.driftline.bundle (must decode and verify with the "
          + "registry key or a trusted key) or application/octet-stream (teacher weights). The body is "
          + "streamed to disk while hashed; 413 above the size limit, 422 if validation fails. 201 for new "
          + "bytes, 200 if the same bytes were already stored.")
  ResponseEntity<Artefact> upload(@AuthenticationPrincipal Caller caller,
      @Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) String contentType,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = {
          @Content(mediaType = "application/onnx", schema = @Schema(type = "string", format = "binary")),
          @Content(mediaType = "application/vnd.driftline.bundle", schema = @Schema(type = "string", format = "binary")),
          @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary"))})
      HttpServletRequest request) throws IOException {
    String mediaType;
    try {
      MediaType parsed = MediaType.parseMediaType(contentType);
      mediaType = parsed.getType() + "/" + parsed.getSubtype();
    } catch (InvalidMediaTypeException e) {
      throw new RegistryException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + contentType
          + "' is not a media type; use application/onnx, application/vnd.driftline.bundle or application/octet-stream");
    }
    ArtefactStore.Stored stored;
    try (InputStream body = request.getInputStream()) {
      stored = artefacts.upload(caller.name(), mediaType, request.getContentLengthLong(), body);
    }
    uploaded.increment();
    Artefact artefact = stored.artefact();
    return stored.created()
        ? ResponseEntity.created(URI.create("/api/v1/artefacts/" + artefact.digest())).body(artefact)
        : ResponseEntity.ok(artefact);
  }

  @GetMapping(value = "/{digest}", produces = MediaType.ALL_VALUE)
  @Operation(summary = "Download an artefact",
      description = "Streams the bytes; ETag is the digest and the answer may be cached for good (the bytes "
          + "under a digest never change): with If-None-Match naming the digest the answer is 304 without a "
          + "body. A device token may download only its desired bundle and its student.")
  @ApiResponse(responseCode = "200", description = "the artefact's bytes, with its media type",
      content = @Content(mediaType = MediaType.ALL_VALUE, schema = @Schema(type = "string", format = "binary")))
  @ApiResponse(responseCode = "304", description = "If-None-Match named the digest: the client has these bytes")
  void download(@AuthenticationPrincipal Caller caller, @PathVariable String digest, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    Artefact artefact = artefacts.get(digest);
    if (caller.isDevice() && !devices.mayDownload(caller.deviceId(), digest)) {
      throw RegistryException.forbidden("device " + caller.deviceId()
          + " may download only its desired bundle and its student");
    }
    // the response is written here rather than through a ResponseEntity and the message converters:
    // this is the registry's hottest request, and a file needs none of their work
    response.setHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE);
    if (new ServletWebRequest(request, response).checkNotModified("\"" + digest + "\"")) {
      return;
    }
    downloaded.increment();
    response.setContentType(artefact.mediaType());
    response.setContentLengthLong(artefact.sizeBytes());
    Path file = artefacts.file(digest);
    if (Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))) {
      // Tomcat sends the file itself (sendfile) once the headers are written: no copy through the JVM
      request.setAttribute(SENDFILE_FILENAME, file.toString());
      request.setAttribute(SENDFILE_START, 0L);
      request.setAttribute(SENDFILE_END, artefact.sizeBytes());
      return;
    }
    try (InputStream in = Files.newInputStream(file); OutputStream out = response.getOutputStream()) {
      in.transferTo(out);
    }
  }

  @GetMapping("/{digest}/metadata")
  @Operation(summary = "Get an artefact's metadata")
  Artefact metadata(@PathVariable String digest) {
    return artefacts.get(digest);
  }
}
