"""Reports and unit assessment (统计报表与考核通报): counters per local day and dimension kept from the ticket events
(`tally`), bulletins composed from them (`bulletin`) and published as files (`files`, `page`), the staff's reads
(`desk`). A process package on top: it reads tickets' events and configuration, and nothing imports it."""
