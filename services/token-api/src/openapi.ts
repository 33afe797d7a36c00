// The OpenAPI 3.1 description served at /openapi.json.

const errorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        details: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
};

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: { 400: "Invalid input", 401: "Not authenticated", 429: "Rate limited", 503: "A dependency is unavailable" }[status], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    ]),
  );

/** Builds the document for the configured scopes and lifetimes. */
export function openApiDocument(allowedScopes: string[], maxLifetimeMinutes: number) {
  return {
    openapi: "3.1.0",
    info: { title: "ACS token API", version: "1.0.0", description: "Short-lived Azure Communication Services tokens for authenticated app users." },
    components: {
      securitySchemes: { oidc: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: errorBody },
    },
    security: [{ oidc: [] }],
    paths: {
      "/api/token": {
        post: {
          summary: "Issue an ACS token for the caller's ACS identity (created on first use)",
          requestBody: {
            required: false,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  additionalProperties: false,
                  properties: {
                    scopes: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", enum: allowedScopes } },
                    lifetimeMinutes: { type: "integer", minimum: 60, maximum: maxLifetimeMinutes },
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "The token",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["token", "expiresOn", "acsUserId"],
                    properties: { token: { type: "string" }, expiresOn: { type: "string", format: "date-time" }, acsUserId: { type: "string" } },
                  },
                },
              },
            },
            ...errors(400, 401, 429, 503),
          },
        },
      },
      "/api/token/revoke": { post: { summary: "Revoke every ACS token of the caller", responses: { "204": { description: "Revoked" }, ...errors(401, 429, 503) } } },
      "/api/me": { delete: { summary: "Erase the caller: the ACS identity and its mapping (idempotent)", responses: { "204": { description: "Erased" }, ...errors(401, 429, 503) } } },
      "/healthz": { get: { security: [], summary: "Liveness", responses: { "200": { description: "Alive" } } } },
      "/readyz": { get: { security: [], summary: "Readiness of the mapping store, ACS and the secret", responses: { "200": { description: "Ready" }, "503": { description: "Not ready" } } } },
      "/openapi.json": { get: { security: [], summary: "This document", responses: { "200": { description: "OpenAPI document" } } } },
    },
  };
}
