DROP TABLE incident_documents;
DROP TABLE incidents;
