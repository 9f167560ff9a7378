// Opens Swagger UI on the server's own API description (a file, not inline, so a strict
// Content-Security-Policy can forbid inline scripts).
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // no badge fetched from validator.swagger.io: the page makes no calls outside this server
  validatorUrl: null
});
