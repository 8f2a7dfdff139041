"""The only layer that joins the store, the workspace and the domain code: it owns transactions (and, from the
permissions step on, decides who may do what). The CLI, the API and the pages all call it."""
