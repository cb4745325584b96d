// The OWL checks of one N-Triples file in one JVM, with the OWL API 3.4 and HermiT inside owlready2's jar: the
// OWL 2 DL profile, and HermiT's consistency and unsatisfiable classes. The file is loaded once for both.
// Compiled once by validation/owl_program.py; run:
//   java -cp owlready2/hermit:owlready2/hermit/HermiT.jar:CLASSES OwlChecks [--profile] [--reason] FILE.nt
// (owlready2's hermit folder first: its patched HermiT classes, as owlready2's sync_reasoner runs them.)
// Prints, in this order:
//   with --profile, one line per violation: its kind, a tab, and the axiom in functional syntax (or "-" when
//     the violation is about the ontology as a whole). Besides OWL2DLProfile's own checks, a datatype of the
//     XSD or RDF namespace that is not in the OWL 2 datatype map (xsd:date, xsd:gYear...) is a violation
//     "UseOfDatatypeOutsideOWL2DatatypeMap" for each axiom using it: the OWL API lets them pass, HermiT
//     rejects them;
//   "checked N axioms";
//   with --reason, "hermit consistent" or "hermit inconsistent", then "hermit unsatisfiable", a tab and the
//     IRI of each unsatisfiable class but owl:Nothing. With --profile too, HermiT runs only when the profile
//     has no violation (its answer counts only then), and the line is "hermit skipped" otherwise.
// HermiT reads the axioms of the file only, without its imports (owlready2 drops owl:imports before HermiT).
// Exit 0 when done; 2 when the file could not be read or parsed; 3 when HermiT failed (after a line
// "hermit failed", a tab and the error).
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.semanticweb.HermiT.Configuration;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLDatatype;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.vocab.OWL2Datatype;

public class OwlChecks {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        boolean profile = false;
        boolean reason = false;
        String file = null;
        for (String arg : args) {
            if (arg.equals("--profile")) {
                profile = true;
            } else if (arg.equals("--reason")) {
                reason = true;
            } else if (file == null && !arg.startsWith("--")) {
                file = arg;
            } else {
                file = null;
                break;
            }
        }
        if (file == null) {
            System.err.println("usage: java -cp HermiT.jar:CLASSES OwlChecks [--profile] [--reason] FILE.nt");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new File(file));
        } catch (Exception exc) {
            System.err.println("cannot load " + file + ": " + exc);
            System.exit(2);
            return;
        }
        int violations = profile ? printViolations(ontology, out) : 0;
        out.println("checked " + ontology.getAxiomCount() + " axioms");
        out.flush();
        if (!reason) {
            return;
        }
        if (violations > 0) {
            out.println("hermit skipped");
            out.flush();
            return;
        }
        try {
            if (!ontology.getImportsDeclarations().isEmpty()) {
                ontology = OWLManager.createOWLOntologyManager().createOntology(ontology.getAxioms());
            }
            Reasoner hermit = new Reasoner(new Configuration(), ontology);
            if (!hermit.isConsistent()) {
                out.println("hermit inconsistent");
            } else {
                out.println("hermit consistent");
                for (OWLClass unsatisfiable : hermit.getUnsatisfiableClasses().getEntitiesMinusBottom()) {
                    out.println("hermit unsatisfiable\t" + unsatisfiable.getIRI());
                }
            }
        } catch (Exception | StackOverflowError | OutOfMemoryError exc) {
            out.println("hermit failed\t" + String.valueOf(exc).replace('\n', ' ').replace('\t', ' '));
            out.flush();
            System.exit(3);
        }
        out.flush();
    }

    static int printViolations(OWLOntology ontology, PrintStream out) {
        int count = 0;
        for (OWLProfileViolation violation : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            OWLAxiom axiom = violation.getAxiom();
            String text = axiom == null ? "-" : axiom.toString();
            out.println(violation.getClass().getSimpleName() + "\t" + text.replace('\n', ' ').replace('\t', ' '));
            count++;
        }
        for (OWLDatatype datatype : ontology.getDatatypesInSignature()) {
            String iri = datatype.getIRI().toString();
            boolean reserved = iri.startsWith("http://www.w3.org/2001/XMLSchema#")
                    || iri.startsWith("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
                    || iri.startsWith("http://www.w3.org/2000/01/rdf-schema#");
            if (reserved && !OWL2Datatype.isBuiltIn(datatype.getIRI())) {
                for (OWLAxiom axiom : ontology.getReferencingAxioms(datatype)) {
                    out.println("UseOfDatatypeOutsideOWL2DatatypeMap\t" + axiom.toString().replace('\n', ' '));
                    count++;
                }
            }
        }
        return count;
    }
}
