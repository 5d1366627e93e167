package dev.longwatch.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The API contract, {@code api-spec/openapi.yaml}, as a checker of real requests and responses.
 *
 * <p>Built on Atlassian's {@code openapi-request-validator-core} 3.0.0: it reads OpenAPI 3.1 with swagger-parser
 * and checks bodies and parameters as JSON Schema 2020-12 (networknt), so {@code prefixItems}, {@code const},
 * {@code type: [string, "null"]} and {@code propertyNames} are enforced. One gap is patched here: its parameter
 * check recognises array parameters only as swagger's {@code ArraySchema}, which a 3.1 document never yields,
 * so repeated query parameters ({@code filter=a:b&filter=c:d}) would be refused; {@link #load} rewrites those
 * parameter schemas to {@code ArraySchema} before building the validator.
 *
 * <p>Every problem is reported (all levels are raised to ERROR), so a spec that drifts from the handlers fails
 * the tests that use this class. The validator's habit of treating every object schema as closed is turned off:
 * the spec closes the objects it means to ({@code additionalProperties: false} on every response).
 */
public final class OpenApiContract {
    /** The spec, relative to the functions module (Maven runs tests there). */
    public static final Path SPEC = Path.of("..", "api-spec", "openapi.yaml");
    private static final int MAX_DECODED_BODY = 64 * 1024 * 1024;
    private static final Pattern STRAY_PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static OpenApiContract shared;

    /** One disagreement between an interaction (or an example) and the spec. */
    public record Problem(String key, String message, String pointer) {
        @Override
        public String toString() {
            return key + ": " + message + (pointer == null || pointer.isEmpty() ? "" : " at " + pointer);
        }
    }

    private final OpenAPI api;
    private final List<String> parseMessages;
    private final OpenApiInteractionValidator validator;
    private final SchemaValidator schemas;

    private OpenApiContract(OpenAPI api, List<String> parseMessages) {
        this.api = api;
        this.parseMessages = List.copyOf(parseMessages);
        LevelResolver allErrors = LevelResolver.create().withDefaultLevel(ValidationReport.Level.ERROR)
                // Ignoring this key stops the validator from adding additionalProperties: false to every object
                // schema: the API ignores unknown request fields, and the spec says where extra fields are refused.
                .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                .build();
        this.validator = OpenApiInteractionValidator.createFor(api).withLevelResolver(allErrors)
                .withBasePathOverride("/").build();
        this.schemas = new SchemaValidator(api, new MessageResolver(allErrors));
    }

    /** The project's spec, parsed once per JVM. */
    public static synchronized OpenApiContract load() {
        if (shared == null) {
            Path spec = SPEC.toAbsolutePath().normalize();
            if (!Files.isRegularFile(spec)) {
                throw new IllegalStateException("the API spec is not at " + spec
                        + "; run the tests from the functions module (Maven does)");
            }
            try {
                shared = fromYaml(Files.readString(spec));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + spec, e);
            }
        }
        return shared;
    }

    /** A contract from YAML text: tests of this checker feed it a deliberately drifted copy of the spec. */
    public static OpenApiContract fromYaml(String yaml) {
        ParseOptions options = new ParseOptions();
        // What the validator's own loader uses: references inlined, allOf/oneOf kept as written.
        options.setResolve(true);
        options.setResolveFully(true);
        options.setResolveCombinators(false);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        if (parsed.getOpenAPI() == null) {
            throw new IllegalArgumentException("the spec cannot be read: " + parsed.getMessages());
        }
        List<String> messages = parsed.getMessages() == null ? List.of() : parsed.getMessages();
        useArraySchemaForArrayParameters(parsed.getOpenAPI());
        return new OpenApiContract(parsed.getOpenAPI(), messages);
    }

    private static void useArraySchemaForArrayParameters(OpenAPI api) {
        List<Parameter> all = new ArrayList<>();
        if (api.getComponents() != null && api.getComponents().getParameters() != null) {
            all.addAll(api.getComponents().getParameters().values());
        }
        if (api.getPaths() != null) {
            api.getPaths().values().forEach(item -> {
                if (item.getParameters() != null) {
                    all.addAll(item.getParameters());
                }
                item.readOperations().forEach(op -> {
                    if (op.getParameters() != null) {
                        all.addAll(op.getParameters());
                    }
                });
            });
        }
        for (Parameter p : all) {
            Schema<?> s = p.getSchema();
            if (s != null && !(s instanceof ArraySchema) && s.getTypes() != null && s.getTypes().contains("array")) {
                ArraySchema a = new ArraySchema();
                a.setItems(s.getItems());
                a.setTypes(s.getTypes());
                a.setSpecVersion(s.getSpecVersion());
                a.setMinItems(s.getMinItems());
                a.setMaxItems(s.getMaxItems());
                a.setDescription(s.getDescription());
                p.setSchema(a);
            }
        }
    }

    public OpenAPI api() {
        return api;
    }

    /** What the parser found wrong with the document itself (unknown keywords, bad references...). */
    public List<String> parseMessages() {
        return parseMessages;
    }

    /**
     * Checks a request as the client sends it. {@code body} is the JSON text after transport decoding
     * (base64, gzip); {@code headers} are sent as given (Authorization, Content-Encoding...).
     */
    public List<Problem> validateRequest(String method, String path, Map<String, List<String>> query,
                                         Map<String, String> headers, String body) {
        List<Problem> out = new ArrayList<>();
        if (STRAY_PERCENT.matcher(path).find()) {
            out.add(new Problem("validation.request.path.encoding",
                    "the path " + path + " is not valid percent-encoding (RFC 3986)", ""));
        }
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, escapeStrayPercents(path));
        query.forEach(b::withQueryParam);
        headers.forEach(b::withHeader);
        if (body != null) {
            b.withBody(body);
        }
        out.addAll(problems(validator.validateRequest(b.build())));
        return out;
    }

    /** The validator decodes paths and throws on a '%' not followed by two hex digits; match such paths as text. */
    private static String escapeStrayPercents(String path) {
        return STRAY_PERCENT.matcher(path).replaceAll("%25");
    }

    /** Checks a response to {@code method path} (the concrete path: {@code /v1/metrics/cpu/tags}). */
    public List<Problem> validateResponse(String method, String path, int status, Map<String, String> headers,
                                          String body) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(status);
        if (headers != null) {
            headers.forEach(b::withHeader);
        }
        if (body != null) {
            b.withBody(body);
        }
        return problems(validator.validateResponse(escapeStrayPercents(path),
                Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), b.build()));
    }

    /** Checks a Lambda proxy event (payload 2.0), decoding its body the way the handlers do. */
    public List<Problem> validateRequest(APIGatewayV2HTTPEvent e) {
        return validateRequest(e.getRequestContext().getHttp().getMethod(), e.getRawPath(), query(e),
                e.getHeaders() == null ? Map.of() : e.getHeaders(), decodedBody(e));
    }

    /** Checks a handler's response to {@code e}. */
    public List<Problem> validateResponse(APIGatewayV2HTTPEvent e, APIGatewayV2HTTPResponse r) {
        return validateResponse(e.getRequestContext().getHttp().getMethod(), e.getRawPath(), r.getStatusCode(),
                r.getHeaders(), r.getBody());
    }

    /** Checks JSON text against a schema of {@code components/schemas}. */
    public List<Problem> validateSchema(String componentSchema, String json) {
        Schema<?> s = api.getComponents().getSchemas().get(componentSchema);
        if (s == null) {
            throw new IllegalArgumentException("the spec has no schema " + componentSchema);
        }
        return problems(schemas.validate(json, s, "schema"));
    }

    /** Every example of a request or response body that does not match its own schema. */
    public List<Problem> exampleProblems() {
        List<Problem> out = new ArrayList<>();
        Map<String, Content> contents = new LinkedHashMap<>();
        if (api.getComponents().getRequestBodies() != null) {
            api.getComponents().getRequestBodies().forEach((n, rb) -> contents.put("requestBodies/" + n, rb.getContent()));
        }
        if (api.getComponents().getResponses() != null) {
            api.getComponents().getResponses().forEach((n, r) -> contents.put("responses/" + n, r.getContent()));
        }
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String where = method + " " + path;
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                contents.put(where + " request", op.getRequestBody().getContent());
            }
            if (op.getResponses() != null) {
                op.getResponses().forEach((status, r) -> contents.put(where + " " + status, content(r)));
            }
            parameterExamples(where, op, out);
        }));
        contents.forEach((where, content) -> {
            if (content == null) {
                return;
            }
            for (Map.Entry<String, MediaType> m : content.entrySet()) {
                MediaType mt = m.getValue();
                Map<String, Object> examples = new LinkedHashMap<>();
                if (mt.getExample() != null) {
                    examples.put("example", mt.getExample());
                }
                if (mt.getExamples() != null) {
                    for (Map.Entry<String, Example> x : mt.getExamples().entrySet()) {
                        examples.put(x.getKey(), x.getValue().getValue());
                    }
                }
                examples.forEach((name, value) -> schemaProblems(where + " example " + name, mt.getSchema(), value,
                        out));
            }
        });
        return out;
    }

    private static Content content(ApiResponse r) {
        return r.getContent();
    }

    private void parameterExamples(String where, Operation op, List<Problem> out) {
        if (op.getParameters() == null) {
            return;
        }
        for (Parameter p : op.getParameters()) {
            if (p.getExample() != null) {
                schemaProblems(where + " parameter " + p.getName(), p.getSchema(), p.getExample(), out);
            }
        }
    }

    private void schemaProblems(String where, Schema<?> schema, Object value, List<Problem> out) {
        String json;
        try {
            // The validator reads a bare string as the string itself (as it does parameter values).
            json = value instanceof String str ? str : Json31.mapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Problem p : problems(schemas.validate(json, schema, "example"))) {
            out.add(new Problem(p.key(), where + ": " + p.message(), p.pointer()));
        }
    }

    private static List<Problem> problems(ValidationReport report) {
        List<Problem> out = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() == ValidationReport.Level.IGNORE || m.getLevel() == ValidationReport.Level.INFO) {
                continue;
            }
            String pointer = m.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                    .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("");
            out.add(new Problem(m.getKey(), m.getMessage(), pointer));
            for (ValidationReport.Message nested : m.getNestedMessages()) {
                String np = nested.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                        .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("");
                out.add(new Problem(nested.getKey(), nested.getMessage(), np));
            }
        }
        return out;
    }

    /** Query parameters from the raw query string, keeping repeated keys. */
    public static Map<String, List<String>> query(APIGatewayV2HTTPEvent e) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = e.getRawQueryString();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** The body as JSON text: base64 and gzip undone (bounded, so a gzip bomb cannot exhaust the test JVM). */
    public static String decodedBody(APIGatewayV2HTTPEvent e) {
        if (e.getBody() == null) {
            return null;
        }
        byte[] raw = e.getIsBase64Encoded() ? Base64.getDecoder().decode(e.getBody())
                : e.getBody().getBytes(StandardCharsets.UTF_8);
        String encoding = e.getHeaders() == null ? null : e.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("content-encoding")).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readNBytes(MAX_DECODED_BODY);
            } catch (IOException ex) {
                return new String(raw, StandardCharsets.ISO_8859_1); // not gzip: let the check report it
            }
        }
        return new String(raw, StandardCharsets.UTF_8);
    }
}
