DROP TABLE memoranda;
DROP TABLE document_chunks;
DROP TABLE documents;
DROP TABLE clause_templates;
