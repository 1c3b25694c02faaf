/// The OpenAPI 3.1 description of the PSI and intersection-sum services (served at `/openapi.json`).
public enum PSIServiceOpenAPI {
    /// The document, as JSON text.
    public static let document = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "DataFi PSI and intersection-sum services", "version": "1.0.0",
               "description": "Binary messages are the DataFi PSI (version 1) and intersection-sum (version 1) wire formats. Client mistakes get a 4xx status with {\"error\": code, \"message\": text}."},
      "paths": {
        "/health": {"get": {"responses": {"200": {"description": "The service is up."}}}},
        "/psi/v1/info": {"get": {"responses": {"200": {"description": "Item count, hash domain and query limit.",
          "content": {"application/json": {"schema": {"type": "object", "properties": {
            "items": {"type": "integer"}, "domain": {"type": "string"}, "max_query_items": {"type": "integer"}}}}}}}}},
        "/psi/v1/setup": {"get": {"responses": {"200": {"description": "The server's blinded, sorted set (PSI setup message, computed once at start-up).",
          "content": {"application/octet-stream": {}}}}}},
        "/psi/v1/query": {"post": {
          "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"description": "PSI request message"}}}},
          "responses": {"200": {"description": "PSI response message", "content": {"application/octet-stream": {}}},
                        "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}},
        "/pjc/v1/setup": {"get": {"responses": {"200": {"description": "Paillier modulus and shuffled (blinded identifier, encrypted value) pairs.",
          "content": {"application/octet-stream": {}}}}}},
        "/pjc/v1/query": {"post": {
          "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"description": "intersection-sum request message"}}}},
          "responses": {"200": {"description": "Re-blinded, shuffled identifiers; the session id is in the x-pjc-session header.",
                                "headers": {"x-pjc-session": {"schema": {"type": "string"}}},
                                "content": {"application/octet-stream": {}}},
                        "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"},
                        "429": {"$ref": "#/components/responses/Error"}}}},
        "/pjc/v1/sum": {"post": {
          "parameters": [{"name": "x-pjc-session", "in": "header", "required": true, "schema": {"type": "string"}}],
          "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"description": "masked encrypted sum and intersection size"}}}},
          "responses": {"200": {"description": "The decrypted masked sum.", "content": {"application/octet-stream": {}}},
                        "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}}
      },
      "components": {"responses": {"Error": {"description": "A client mistake.",
        "content": {"application/json": {"schema": {"type": "object", "required": ["error", "message"],
          "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}}}}}}
    }
    """#
}
