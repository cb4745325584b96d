// The OWL 2 DL profile check of one RDF file, with the OWL API inside owlready2's HermiT jar.
// Run: java -cp HermiT.jar OwlProfile.java FILE.nt
// Prints one line per violation: its kind, a tab, and the axiom in functional syntax (or "-" when the
// violation is about the ontology as a whole); then "checked N axioms". Besides OWL2DLProfile's own
// checks, a datatype of the XSD or RDF namespace that is not in the OWL 2 datatype map (xsd:date,
// xsd:gYear...) is a violation "UseOfDatatypeOutsideOWL2DatatypeMap" for each axiom using it: the OWL API
// lets them pass, HermiT rejects them. Exit 0 when the file loaded (violations or not), 2 when it could
// not be read or parsed.
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLDatatype;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.vocab.OWL2Datatype;

public class OwlProfile {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length != 1) {
            System.err.println("usage: java -cp HermiT.jar OwlProfile.java FILE.nt");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        } catch (Exception exc) {
            System.err.println("cannot load " + args[0] + ": " + exc);
            System.exit(2);
            return;
        }
        for (OWLProfileViolation violation : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            OWLAxiom axiom = violation.getAxiom();
            String text = axiom == null ? "-" : axiom.toString();
            out.println(violation.getClass().getSimpleName() + "\t" + text.replace('\n', ' ').replace('\t', ' '));
        }
        for (OWLDatatype datatype : ontology.getDatatypesInSignature()) {
            String iri = datatype.getIRI().toString();
            boolean reserved = iri.startsWith("http://www.w3.org/2001/XMLSchema#")
                    || iri.startsWith("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
                    || iri.startsWith("http://www.w3.org/2000/01/rdf-schema#");
            if (reserved && !OWL2Datatype.isBuiltIn(datatype.getIRI())) {
                for (OWLAxiom axiom : ontology.getReferencingAxioms(datatype)) {
                    out.println("UseOfDatatypeOutsideOWL2DatatypeMap\t" + axiom.toString().replace('\n', ' '));
                }
            }
        }
        out.println("checked " + ontology.getAxiomCount() + " axioms");
    }
}
