// Drag and drop on the sort board: an enhancement of the Move forms, which work without it (and by keyboard).
// Dropping a piece on a pile chooses that pile in the piece's own form and submits it.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) { return; }
  var dragged = null;

  board.addEventListener("dragstart", function (event) {
    var piece = event.target.closest && event.target.closest(".piece[draggable='true']");
    if (!piece) { return; }
    dragged = piece;
    piece.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", piece.getAttribute("data-piece"));
  });

  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragging"); }
    dragged = null;
    board.querySelectorAll(".is-drop-target").forEach(function (pile) { pile.classList.remove("is-drop-target"); });
  });

  function pileFor(event) {
    return event.target.closest ? event.target.closest(".pile[data-pile]") : null;
  }

  board.addEventListener("dragover", function (event) {
    var pile = pileFor(event);
    if (!pile || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    pile.classList.add("is-drop-target");
  });

  board.addEventListener("dragleave", function (event) {
    var pile = pileFor(event);
    if (pile && !pile.contains(event.relatedTarget)) { pile.classList.remove("is-drop-target"); }
  });

  board.addEventListener("drop", function (event) {
    var pile = pileFor(event);
    if (!pile || !dragged) { return; }
    event.preventDefault();
    var form = dragged.querySelector("form.piece__move");
    var select = form && form.querySelector("select[name='pile']");
    if (!select) { return; }
    select.value = pile.getAttribute("data-pile");
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
})();
