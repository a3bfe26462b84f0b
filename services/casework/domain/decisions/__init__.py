"""The decide functions, one module per stage of a case's life: ``(action, state, context) ->
events``, or the rule's error."""
