package io.driftline.registry.store;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleFormatException;
import io.driftline.core.events.RegistryEvent;
import io.driftline.core.model.StudentDescription;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.events.Outbox;
import io.driftline.registry.model.Artefact;
import io.driftline.registry.model.MediaTypes;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.security.SigningKeys;
import io.driftline.registry.store.BlobStore.Staged;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores, validates and finds artefacts. An upload is streamed to a temporary file while it is
 * hashed and size-checked, validated by its media type, and only then moved into the blob folder
 * and recorded; a rejected upload leaves neither a row nor a file.
 */
@Repository
public class ArtefactStore {

  private static final Logger LOG = LoggerFactory.getLogger(ArtefactStore.class);
  private static final int CACHE_LIMIT = 10_000;

  private final JdbcClient jdbc;
  private final BlobStore blobs;
  private final SigningKeys keys;
  private final Outbox outbox;
  private final AuditLog audit;
  private final Json json;
  private final TransactionTemplate tx;
  private final long maxBytes;
  // artefacts never change once stored, so a found row can be served from memory
  private final Map<String, Artefact> cache = new ConcurrentHashMap<>();

  ArtefactStore(JdbcClient jdbc, BlobStore blobs, SigningKeys keys, Outbox outbox, AuditLog audit,
      Json json, TransactionTemplate tx, RegistryProperties properties) {
    this.tx = tx;
    this.jdbc = jdbc;
    this.blobs = blobs;
    this.keys = keys;
    this.outbox = outbox;
    this.audit = audit;
    this.json = json;
    this.maxBytes = properties.artefacts().maxSize().toBytes();
  }

  /** Returns the largest artefact accepted, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Stores an uploaded artefact after validating it.
   *
   * @param actor who uploads
   * @param mediaType one of {@link MediaTypes#ALL}
   * @param contentLength the announced length, or -1
   * @param body the bytes
   * @return the artefact and whether it was new
   */
  public Stored upload(String actor, String mediaType, long contentLength, InputStream body) {
    if (!MediaTypes.ALL.contains(mediaType)) {
      throw new RegistryException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + mediaType
          + "' is not an artefact type; use one of " + MediaTypes.ALL);
    }
    if (contentLength > maxBytes) {
      throw new RegistryException(HttpStatus.CONTENT_TOO_LARGE, "artefact of " + contentLength
          + " bytes is larger than the limit of " + maxBytes + " bytes (driftline.registry.artefacts.max-size)");
    }
    Staged staged = blobs.stage(body, maxBytes);
    Map<String, Object> details;
    try {
      details = validate(mediaType, staged);
    } catch (RuntimeException e) {
      blobs.discard(staged);
      throw e;
    }
    // the transaction starts only now, so no connection is held while the upload streams in
    return tx.execute(status -> record(actor, mediaType, staged, details));
  }

  /** Finds an artefact by digest. */
  public Optional<Artefact> find(String digest) {
    Artefact cached = cache.get(digest);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Artefact> found = jdbc.sql("""
            select digest, size_bytes, media_type, details::text as details, created_at
            from artefact where digest = ?""")
        .param(digest)
        .query((rs, i) -> new Artefact(rs.getString("digest"), rs.getLong("size_bytes"),
            rs.getString("media_type"), json.readMap(rs.getString("details")),
            rs.getTimestamp("created_at").toInstant()))
        .optional();
    found.ifPresent(a -> {
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(digest, a);
    });
    return found;
  }

  /** Returns an artefact or fails with a 404. */
  public Artefact get(String digest) {
    if (!BlobStore.isDigest(digest)) {
      throw RegistryException.badRequest(
          "'" + digest + "' is not a SHA-256 digest (64 lower-case hex digits)");
    }
    return find(digest).orElseThrow(() -> RegistryException.notFound("no artefact " + digest
        + "; upload it with POST /api/v1/artefacts"));
  }

  /** Returns the file holding an artefact's bytes. */
  public Path file(String digest) {
    return blobs.path(digest);
  }

  /**
   * Makes sure a bundle is signed by the registry key: decodes the stored bundle (checking the
   * uploader's signature again) and, unless the registry already signed it, stores a copy signed with
   * the registry key. Must run inside the transaction of the promotion.
   *
   * @return the digest of the registry-signed artefact
   */
  @Transactional
  public String signBundle(String actor, String digest) {
    SigningKeys.Verified verified = readBundle(digest);
    if (verified.keyId().equals(keys.keyId())) {
      return digest;
    }
    String signed = storeSigned(actor, verified.bundle());
    LOG.info("signed bundle digest={} signedDigest={} keyId={}", digest, signed, keys.keyId());
    return signed;
  }

  /**
   * Reads a stored bundle and verifies it again with the registry key or a trusted key.
   *
   * @throws RegistryException 409 if the stored bytes no longer verify
   */
  public SigningKeys.Verified readBundle(String digest) {
    byte[] bytes;
    try {
      // bundles are small (adaptors and a prompt) and must be decoded whole to be verified
      bytes = Files.readAllBytes(blobs.path(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundle " + digest, e);
    }
    try {
      return keys.verify(bytes);
    } catch (BundleFormatException e) {
      throw RegistryException.conflict("stored bundle " + digest + " no longer verifies: " + e.getMessage());
    }
  }

  /**
   * Encodes a bundle signed with the registry key and stores it as a content-addressed artefact (an
   * {@code ARTEFACT_STORED} event and audit entry if the bytes are new). Must run inside the
   * transaction that uses it.
   *
   * @return the digest of the stored artefact
   */
  @Transactional
  public String storeSigned(String actor, Bundle bundle) {
    Staged staged = blobs.stage(keys.sign(bundle));
    record(actor, MediaTypes.BUNDLE, staged, bundleDetails(new SigningKeys.Verified(bundle, keys.keyId())));
    return staged.digest();
  }

  private Stored record(String actor, String mediaType, Staged staged, Map<String, Object> details) {
    blobs.commit(staged);
    int inserted = jdbc.sql("""
            insert into artefact (digest, size_bytes, media_type, details, created_by)
            values (?, ?, ?, ?::jsonb, ?) on conflict (digest) do nothing""")
        .params(staged.digest(), staged.size(), mediaType, json.write(details), actor)
        .update();
    Artefact artefact = find(staged.digest()).orElseThrow();
    if (inserted == 0) {
      if (!artefact.mediaType().equals(mediaType)) {
        throw RegistryException.conflict("artefact " + staged.digest() + " is already stored as "
            + artefact.mediaType() + ", not " + mediaType);
      }
      return new Stored(artefact, false);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("digest", artefact.digest());
    payload.put("sizeBytes", artefact.sizeBytes());
    payload.put("mediaType", artefact.mediaType());
    outbox.registryEvent(RegistryEvent.Type.ARTEFACT_STORED, artefact.digest(), payload);
    audit.append(actor, "artefact.store", artefact.digest(), payload);
    LOG.info("stored artefact digest={} sizeBytes={} mediaType={} actor={}", artefact.digest(),
        artefact.sizeBytes(), mediaType, actor);
    return new Stored(artefact, true);
  }

  private Map<String, Object> validate(String mediaType, Staged staged) {
    return switch (mediaType) {
      case MediaTypes.ONNX -> validateStudent(staged);
      case MediaTypes.BUNDLE -> validateBundle(staged);
      default -> Map.of();
    };
  }

  private Map<String, Object> validateStudent(Staged staged) {
    // ONNX Runtime reads the file itself, so the model is never held whole on the Java heap here
    try (StudentModel student = StudentModel.load(staged.file())) {
      StudentDescription d = student.description();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("inputName", d.inputName());
      details.put("channels", d.channels());
      details.put("height", d.height());
      details.put("width", d.width());
      details.put("featureDimension", d.featureDimension());
      details.put("numClasses", d.numClasses());
      details.put("classNames", d.classNames());
      return details;
    } catch (RuntimeException e) {
      throw RegistryException.unprocessable("not a valid student ONNX model: " + e.getMessage());
    }
  }

  private Map<String, Object> validateBundle(Staged staged) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(staged.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the staged upload", e);
    }
    try {
      return bundleDetails(keys.verify(bytes));
    } catch (BundleFormatException e) {
      throw RegistryException.unprocessable("not a valid Driftline bundle (" + e.reason() + "): "
          + e.getMessage());
    }
  }

  private static Map<String, Object> bundleDetails(SigningKeys.Verified verified) {
    Bundle bundle = verified.bundle();
    TreeSet<String> precisions = new TreeSet<>();
    for (DomainAdaptor adaptor : bundle.adaptors()) {
      for (DenseLayer layer : adaptor.adaptor().layers()) {
        precisions.add(layer.weights().precision().name());
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bundleId", bundle.metadata().bundleId());
    details.put("bundleVersion", bundle.metadata().version());
    details.put("studentModelId", bundle.metadata().studentModelId());
    details.put("studentDigest", bundle.metadata().studentDigest());
    details.put("signerKeyId", verified.keyId());
    details.put("prompt", bundle.prompt() != null);
    details.put("adaptors", bundle.adaptors().size());
    details.put("precisions", List.copyOf(precisions));
    return details;
  }

  /**
   * The result of storing an artefact.
   *
   * @param artefact the stored artefact
   * @param created false when the same bytes were already stored
   */
  public record Stored(Artefact artefact, boolean created) {}
}
