// Typeset math with the KaTeX served by this site.
// document$ is Material's page observable: it fires on every page load, instant navigation included.
document$.subscribe(({ body }) => {
  // Chapter pages: arithmatex has already turned $...$ into \( \) and \[ \] spans.
  renderMathInElement(body, {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
  });
  // Notebook pages (mkdocs-jupyter) keep the chapters' $...$ as written.
  body.querySelectorAll(".jp-Notebook").forEach((notebook) =>
    renderMathInElement(notebook, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
      ],
    })
  );
});
