"""Photos and files (照片和文件): a browser posts each file straight to the private uploads bucket with a form the API
signs for it (`uploads`); a ticket refers to files posted that way, never to a link the client gives; staff open them
through short-lived links. A lower capability: intake claims a new ticket's files here, staff reads link them."""
