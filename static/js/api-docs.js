// The API docs page (/api/docs/): Swagger UI over the schema named by the page, from a file rather
// than an inline script, so the site's Content-Security-Policy (script-src 'self') holds here too.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    // No call to the public swagger.io validator: nothing leaves this site.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
